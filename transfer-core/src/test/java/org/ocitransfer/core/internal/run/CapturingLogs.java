// An SLF4J provider for tests run in a child JVM (-Dslf4j.provider=...CapturingLogs): keeps every INFO-or-higher line
// with its thread and the MDC's run name, and an MDC held per thread and not inherited by new threads (as logback's).
package org.ocitransfer.core.internal.run;

import java.util.ArrayDeque;
import java.util.Deque;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CopyOnWriteArrayList;
import org.slf4j.ILoggerFactory;
import org.slf4j.IMarkerFactory;
import org.slf4j.Marker;
import org.slf4j.event.Level;
import org.slf4j.helpers.BasicMarkerFactory;
import org.slf4j.helpers.LegacyAbstractLogger;
import org.slf4j.helpers.MessageFormatter;
import org.slf4j.spi.MDCAdapter;
import org.slf4j.spi.SLF4JServiceProvider;

/** The provider; {@link #LINES} holds {@code LEVEL|thread|pipelineRun MDC value|logger|message} per line. */
public final class CapturingLogs implements SLF4JServiceProvider {

    static final List<String> LINES = new CopyOnWriteArrayList<>();

    private final ThreadMdc mdc = new ThreadMdc();
    private final IMarkerFactory markers = new BasicMarkerFactory();
    private final ILoggerFactory loggers = Logger::new;

    @Override
    public ILoggerFactory getLoggerFactory() {
        return loggers;
    }

    @Override
    public IMarkerFactory getMarkerFactory() {
        return markers;
    }

    @Override
    public MDCAdapter getMDCAdapter() {
        return mdc;
    }

    @Override
    public String getRequestedApiVersion() {
        return "2.0.99";
    }

    @Override
    public void initialize() {
    }

    private final class Logger extends LegacyAbstractLogger {
        Logger(String name) {
            this.name = name;
        }

        @Override
        protected String getFullyQualifiedCallerName() {
            return null;
        }

        @Override
        protected void handleNormalizedLoggingCall(Level level, Marker marker, String pattern, Object[] arguments,
                                                   Throwable throwable) {
            String message = MessageFormatter.basicArrayFormat(pattern, arguments);
            LINES.add(level + "|" + Thread.currentThread().getName() + "|" + mdc.get("pipelineRun") + "|" + name
                    + "|" + message.replace('\n', ' '));
        }

        @Override
        public boolean isTraceEnabled() {
            return false;
        }

        @Override
        public boolean isDebugEnabled() {
            return false;
        }

        @Override
        public boolean isInfoEnabled() {
            return true;
        }

        @Override
        public boolean isWarnEnabled() {
            return true;
        }

        @Override
        public boolean isErrorEnabled() {
            return true;
        }
    }

    /** An MDC per thread, not inherited by threads it creates. */
    private static final class ThreadMdc implements MDCAdapter {
        private final ThreadLocal<Map<String, String>> values = ThreadLocal.withInitial(HashMap::new);

        @Override
        public void put(String key, String val) {
            values.get().put(key, val);
        }

        @Override
        public String get(String key) {
            return values.get().get(key);
        }

        @Override
        public void remove(String key) {
            values.get().remove(key);
        }

        @Override
        public void clear() {
            values.get().clear();
        }

        @Override
        public Map<String, String> getCopyOfContextMap() {
            return new HashMap<>(values.get());
        }

        @Override
        public void setContextMap(Map<String, String> contextMap) {
            values.set(new HashMap<>(contextMap));
        }

        @Override
        public void pushByKey(String key, String value) {
        }

        @Override
        public String popByKey(String key) {
            return null;
        }

        @Override
        public Deque<String> getCopyOfDequeByKey(String key) {
            return new ArrayDeque<>();
        }

        @Override
        public void clearDequeByKey(String key) {
        }
    }
}
