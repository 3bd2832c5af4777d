package org.ocitransfer.architecture;

import static org.assertj.core.api.Assertions.assertThatCode;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.tngtech.archunit.core.domain.JavaClasses;
import com.tngtech.archunit.core.importer.ClassFileImporter;
import org.junit.jupiter.api.Test;
import org.ocitransfer.fixtureapp.IntruderAccess;
import org.ocitransfer.fixturelib.Exposing;
import org.ocitransfer.fixturelib.Hiding;
import org.ocitransfer.fixturelib.internal.Hidden;

/**
 * The hand-written rules of {@link ArchitectureTest} catch what they are for: checked against small fixture modules
 * ({@code org.ocitransfer.fixturelib} with an internal package, {@code org.ocitransfer.fixtureapp} using it), as the
 * real modules pass them all.
 */
class ArchitectureRulesTest {

    @Test
    void anotherModuleUsingAnInternalPackageFails() {
        JavaClasses classes = new ClassFileImporter().importClasses(IntruderAccess.intruder(), Hidden.class);

        assertThatThrownBy(() -> ArchitectureTest.internal_packages_are_used_only_inside_their_module.check(classes))
                .isInstanceOf(AssertionError.class)
                .hasMessageContaining("org.ocitransfer.fixtureapp.Intruder")
                .hasMessageContaining("org.ocitransfer.fixturelib.internal is internal to module fixturelib");
    }

    @Test
    void theOwningModuleMayUseItsInternalPackage() {
        JavaClasses classes = new ClassFileImporter().importClasses(Hiding.class, Hidden.class);

        assertThatCode(() -> ArchitectureTest.internal_packages_are_used_only_inside_their_module.check(classes))
                .doesNotThrowAnyException();
        assertThatCode(() -> ArchitectureTest.public_signatures_name_no_internal_type.check(classes))
                .doesNotThrowAnyException();
    }

    @Test
    void aPublicSignatureNamingAnInternalTypeFails() {
        JavaClasses classes = new ClassFileImporter().importClasses(Exposing.class, Hidden.class);

        assertThatThrownBy(() -> ArchitectureTest.public_signatures_name_no_internal_type.check(classes))
                .isInstanceOf(AssertionError.class)
                .hasMessageContaining("Exposing.hidden()")
                .hasMessageContaining("org.ocitransfer.fixturelib.internal.Hidden");
    }
}
