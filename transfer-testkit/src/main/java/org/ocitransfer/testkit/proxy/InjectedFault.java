package org.ocitransfer.testkit.proxy;

import java.util.concurrent.atomic.AtomicInteger;

/** A fault injected into a {@link FaultProxy}: how often it fired, and a way to remove it. Thread-safe. */
public final class InjectedFault {

    private final Fault fault;
    private final FaultProxy proxy;
    private final AtomicInteger remaining;
    private final AtomicInteger fired = new AtomicInteger();

    InjectedFault(Fault fault, FaultProxy proxy) {
        this.fault = fault;
        this.proxy = proxy;
        this.remaining = new AtomicInteger(fault.times());
    }

    /** The fault. */
    public Fault fault() {
        return fault;
    }

    /** How many times it fired. */
    public int fired() {
        return fired.get();
    }

    /** How many more times it may fire. */
    public int remaining() {
        return Math.max(0, remaining.get());
    }

    /** Removes it: it fires no more. */
    public void cancel() {
        remaining.set(0);
        proxy.remove(this);
    }

    /** Takes one firing from the budget; false when spent. */
    boolean tryAcquire() {
        while (true) {
            int left = remaining.get();
            if (left <= 0) {
                return false;
            }
            if (left == Integer.MAX_VALUE || remaining.compareAndSet(left, left - 1)) {
                return true;
            }
        }
    }

    /** Gives back a firing taken by {@link #tryAcquire()} that did not happen (the body ended first). */
    void release() {
        remaining.updateAndGet(left -> left == Integer.MAX_VALUE ? left : left + 1);
    }

    /** Records that it fired. */
    void recordFired() {
        fired.incrementAndGet();
        proxy.recordFired(fault.kind());
    }

    @Override
    public String toString() {
        return "InjectedFault[" + fault + ", fired " + fired() + "]";
    }
}
