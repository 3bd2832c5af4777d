package org.ocitransfer.testkit.registry;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/** The JUnit extension: one registry per class, injected as a parameter, stopped after the class. */
class RegistryExtensionTest {

    @RegisterExtension
    static RegistryExtension registry = RegistryExtension.basic();

    static DistributionRegistry seen;

    @Test
    void injectsTheRunningRegistry(DistributionRegistry running) throws Exception {
        assertThat(running).isSameAs(registry.registry());
        assertThat(running.authMode()).isEqualTo(AuthMode.BASIC);
        assertThat(PlainHttp.get(running.url() + "/v2/", PlainHttp.basic(running.username(), running.password()))
                .statusCode()).isEqualTo(200);
        remember(running);
    }

    @Test
    void sharesOneRegistryAcrossTheClass(DistributionRegistry running) {
        assertThat(running.isRunning()).isTrue();
        remember(running);
    }

    private static synchronized void remember(DistributionRegistry running) {
        if (seen != null) {
            assertThat(running).isSameAs(seen);
        }
        seen = running;
    }

    @AfterAll
    static void stillRunsInAfterAll() {
        // Extension afterAll callbacks run after the class's @AfterAll methods.
        assertThat(registry.registry().isRunning()).isTrue();
    }
}
