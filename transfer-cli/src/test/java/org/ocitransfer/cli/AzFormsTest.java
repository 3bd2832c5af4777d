// az's small forms: ARM scope and registry names, times, durations, and the table layout.
package org.ocitransfer.cli;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

class AzFormsTest {

    @Test
    void theScopeComesFromFlagsThenTheEnvironmentThenPlaceholders() {
        Map<String, String> env = Map.of("AZURE_SUBSCRIPTION_ID", "envsub", "AZURE_DEFAULTS_GROUP", "envgroup");
        assertThat(ArmScope.resolve("flagsub", "flaggroup", env::get)).isEqualTo(new ArmScope("flagsub", "flaggroup"));
        assertThat(ArmScope.resolve(null, " ", env::get)).isEqualTo(new ArmScope("envsub", "envgroup"));
        assertThat(ArmScope.resolve(null, null, name -> null))
                .isEqualTo(new ArmScope(ArmScope.PLACEHOLDER_SUBSCRIPTION, ArmScope.PLACEHOLDER_GROUP));
    }

    @Test
    void onlyAnAcrLoginServerGivesARegistryName() {
        assertThat(ArmScope.acrName("https://myreg.azurecr.io")).contains("myreg");
        assertThat(ArmScope.acrName("https://MyReg.azurecr.io:443/")).contains("myreg");
        assertThat(ArmScope.acrName("myreg.azurecr.us")).contains("myreg");
        assertThat(ArmScope.acrName("https://myreg.azurecr.cn")).contains("myreg");
        assertThat(ArmScope.acrName("https://myreg.westus.data.azurecr.io")).isEmpty();
        assertThat(ArmScope.acrName("https://azurecr.io")).isEmpty();
        assertThat(ArmScope.acrName("http://127.0.0.1:5000")).isEmpty();
        assertThat(ArmScope.acrName("oci-layout:/tmp/layout")).isEmpty();
        assertThat(ArmScope.acrName("https://myreg.azurecr.io.example.com")).isEmpty();

        ArmScope scope = new ArmScope("sub", "rg");
        assertThat(scope.id("https://myreg.azurecr.io", "exportPipelines", "p1234", "/exportPipelines/p1234"))
                .isEqualTo("/subscriptions/sub/resourceGroups/rg/providers/Microsoft.ContainerRegistry/registries/myreg"
                        + "/exportPipelines/p1234");
        assertThat(scope.id("oci-layout:/x", "exportPipelines", "p1234", "/exportPipelines/p1234"))
                .isEqualTo("/exportPipelines/p1234");
        assertThat(ArmScope.resourceGroupOf("/subscriptions/s/resourceGroups/rg/providers/x")).isEqualTo("rg");
        assertThat(ArmScope.resourceGroupOf("/exportPipelines/p1234")).isNull();
    }

    @Test
    void timesAndDurationsAreAzs() {
        Instant start = Instant.parse("2020-03-04T17:23:21.926152100Z");
        assertThat(Formats.azTime(start)).isEqualTo("2020-03-04T17:23:21.926152+00:00");
        assertThat(Formats.azTime(Instant.parse("2020-03-04T17:23:21Z"))).isEqualTo("2020-03-04T17:23:21+00:00");
        assertThat(Formats.azTime(null)).isNull();
        assertThat(Formats.azStartTime(start)).isEqualTo("2020-03-04T17:23:21");
        assertThat(Formats.azStartTime(Instant.parse("2020-03-04T17:23:21Z"))).isEqualTo("2020-03-04T17:23:21+00:00");
        assertThat(Formats.azDuration(start, start.plusMillis(1900))).isEqualTo("00:00:01");
        assertThat(Formats.azDuration(start, start.plusSeconds(26 * 3600 + 62))).isEqualTo("26:01:02");
        assertThat(Formats.azDuration(start, null)).isNull();
    }

    @Test
    void theTableHasTheRowsKeysInOrderOfFirstAppearanceAtLeastTwoWiderThanTheirHeaders() {
        Map<String, String> first = new LinkedHashMap<>();
        first.put("NAME", "exportrun");
        first.put("STATUS", "Succeeded");
        Map<String, String> second = new LinkedHashMap<>();
        second.put("NAME", "in");
        second.put("SOURCE_TRIGGER", "True");
        second.put("STATUS", null);
        ByteArrayOutputStream bytes = new ByteArrayOutputStream();
        Table.az(new PrintStream(bytes, true, StandardCharsets.UTF_8), List.of(first, second));
        assertThat(bytes.toString(StandardCharsets.UTF_8).lines().toList()).containsExactly(
                "NAME       STATUS     SOURCE_TRIGGER",
                "---------  ---------  ----------------",
                "exportrun  Succeeded",
                "in                    True");

        ByteArrayOutputStream none = new ByteArrayOutputStream();
        Table.az(new PrintStream(none, true, StandardCharsets.UTF_8), List.of());
        assertThat(none.toString(StandardCharsets.UTF_8)).isEmpty();
    }
}
