package org.ocitransfer.architecture;

import static com.tngtech.archunit.lang.syntax.ArchRuleDefinition.classes;
import static org.assertj.core.api.Assertions.assertThat;
import static com.tngtech.archunit.lang.syntax.ArchRuleDefinition.noClasses;
import static com.tngtech.archunit.library.dependencies.SlicesRuleDefinition.slices;

import com.tngtech.archunit.base.DescribedPredicate;
import com.tngtech.archunit.core.domain.Dependency;
import com.tngtech.archunit.core.domain.JavaClass;
import com.tngtech.archunit.core.domain.JavaClasses;
import com.tngtech.archunit.core.domain.JavaCodeUnit;
import com.tngtech.archunit.core.domain.JavaField;
import com.tngtech.archunit.core.domain.JavaMember;
import com.tngtech.archunit.core.domain.JavaModifier;
import com.tngtech.archunit.core.domain.JavaType;
import com.tngtech.archunit.core.importer.ImportOption;
import com.tngtech.archunit.junit.AnalyzeClasses;
import com.tngtech.archunit.junit.ArchTest;
import com.tngtech.archunit.lang.ArchCondition;
import com.tngtech.archunit.lang.ArchRule;
import com.tngtech.archunit.lang.ConditionEvents;
import com.tngtech.archunit.lang.SimpleConditionEvent;
import com.tngtech.archunit.library.dependencies.SliceAssignment;
import com.tngtech.archunit.library.dependencies.SliceIdentifier;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import java.util.stream.Collectors;

/**
 * The module and package rules of the SDK, checked over the production classes of transfer-api, transfer-core,
 * transfer-azure, transfer-testkit and transfer-cli (their tests are left out). A module is the package under
 * {@code org.ocitransfer} ({@code api}, {@code core}, {@code azure}, {@code testkit}, {@code cli}); a package named
 * {@code internal} (or under one) carries no compatibility promise and is its own module's business alone.
 */
@AnalyzeClasses(packages = "org.ocitransfer", importOptions = ImportOption.DoNotIncludeTests.class)
class ArchitectureTest {

    private static final String ROOT = "org.ocitransfer.";

    /** The rules below pass vacuously over a module that is not there: each one is. */
    @ArchTest
    static void every_module_is_imported(JavaClasses classes) {
        Set<String> modules = classes.stream().map(ArchitectureTest::moduleOf).flatMap(Optional::stream)
                .collect(Collectors.toSet());
        assertThat(modules).as("modules whose classes were imported").contains("api", "core", "azure", "testkit", "cli");
    }

    @ArchTest
    static final ArchRule api_depends_only_on_the_jdk = classes()
            .that().resideInAPackage("org.ocitransfer.api..")
            .should().onlyDependOnClassesThat().resideInAnyPackage("java..", "org.ocitransfer.api..")
            .because("transfer-api is the model every user and module shares and has no third-party dependency");

    @ArchTest
    static final ArchRule core_uses_neither_azure_nor_cli_nor_testkit = noClasses()
            .that().resideInAPackage("org.ocitransfer.core..")
            .should().dependOnClassesThat()
            .resideInAnyPackage("org.ocitransfer.azure..", "org.ocitransfer.cli..", "org.ocitransfer.testkit..")
            .because("transfer-core is the cloud-neutral engine: Azure binds to it, never the other way round");

    @ArchTest
    static final ArchRule azure_uses_neither_cli_nor_testkit = noClasses()
            .that().resideInAPackage("org.ocitransfer.azure..")
            .should().dependOnClassesThat().resideInAnyPackage("org.ocitransfer.cli..", "org.ocitransfer.testkit..")
            .because("transfer-azure is a library users embed: the command line and the test kit build on it");

    @ArchTest
    static final ArchRule testkit_does_not_use_cli = noClasses()
            .that().resideInAPackage("org.ocitransfer.testkit..")
            .should().dependOnClassesThat().resideInAPackage("org.ocitransfer.cli..")
            .because("the test kit serves every module's tests, the command line's among them");

    @ArchTest
    static final ArchRule internal_packages_are_used_only_inside_their_module = classes()
            .that().resideInAPackage("org.ocitransfer..")
            .should(useNoInternalPackageOfAnotherModule())
            .because("internal packages carry no compatibility promise: another module that used them would break"
                    + " on any change there; move what it needs into a public package of the owning module");

    @ArchTest
    static final ArchRule public_signatures_name_no_internal_type = classes()
            .that(areReachableFromOutsideTheirPackage())
            .and().resideOutsideOfPackage("..internal..")
            .should(exposeNoInternalType())
            .because("a public type of a public package is API: a user must be able to use all of it without"
                    + " naming an internal class; make the internal type public API or keep it out of the signature");

    @ArchTest
    static final ArchRule api_has_no_package_cycles = noCyclesIn("api");

    @ArchTest
    static final ArchRule core_has_no_package_cycles = noCyclesIn("core");

    @ArchTest
    static final ArchRule azure_has_no_package_cycles = noCyclesIn("azure");

    @ArchTest
    static final ArchRule testkit_has_no_package_cycles = noCyclesIn("testkit");

    @ArchTest
    static final ArchRule cli_has_no_package_cycles = noCyclesIn("cli");

    private static ArchRule noCyclesIn(String module) {
        return slices().assignedFrom(eachPackageOf(module))
                .should().beFreeOfCycles()
                .allowEmptyShould(true)
                .because("packages of one concern depend one way: a cycle means two packages are one concern, or"
                        + " that a shared piece belongs in a third");
    }

    /** One slice per package of a module, its root package included (api and cli have only that one today). */
    private static SliceAssignment eachPackageOf(String module) {
        return new SliceAssignment() {
            @Override
            public SliceIdentifier getIdentifierOf(JavaClass type) {
                return moduleOf(type).filter(module::equals).isPresent()
                        ? SliceIdentifier.of(type.getPackageName())
                        : SliceIdentifier.ignore();
            }

            @Override
            public String getDescription() {
                return "the packages of org.ocitransfer." + module;
            }
        };
    }

    /** The module of a class: the package right under {@code org.ocitransfer}, or empty for classes elsewhere. */
    static Optional<String> moduleOf(JavaClass type) {
        String pkg = type.getBaseComponentType().getPackageName();
        if (!pkg.startsWith(ROOT)) {
            return Optional.empty();
        }
        int end = pkg.indexOf('.', ROOT.length());
        return Optional.of(end < 0 ? pkg.substring(ROOT.length()) : pkg.substring(ROOT.length(), end));
    }

    static boolean isInternal(JavaClass type) {
        String pkg = type.getBaseComponentType().getPackageName();
        return pkg.startsWith(ROOT) && (pkg.endsWith(".internal") || pkg.contains(".internal."));
    }

    private static ArchCondition<JavaClass> useNoInternalPackageOfAnotherModule() {
        return new ArchCondition<>("use no internal package of another module") {
            @Override
            public void check(JavaClass origin, ConditionEvents events) {
                for (Dependency dependency : origin.getDirectDependenciesFromSelf()) {
                    JavaClass target = dependency.getTargetClass();
                    if (isInternal(target) && !moduleOf(target).equals(moduleOf(origin))) {
                        events.add(SimpleConditionEvent.violated(dependency, dependency.getDescription()
                                + ": " + target.getPackageName() + " is internal to module "
                                + moduleOf(target).orElse("?")));
                    }
                }
            }
        };
    }

    /** Public classes whose enclosing classes are public too (a public nested class of a hidden one is hidden). */
    private static DescribedPredicate<JavaClass> areReachableFromOutsideTheirPackage() {
        return new DescribedPredicate<>("are reachable from outside their package") {
            @Override
            public boolean test(JavaClass type) {
                for (Optional<JavaClass> c = Optional.of(type); c.isPresent(); c = c.get().getEnclosingClass()) {
                    if (!c.get().getModifiers().contains(JavaModifier.PUBLIC)) {
                        return false;
                    }
                }
                return true;
            }
        };
    }

    private static ArchCondition<JavaClass> exposeNoInternalType() {
        return new ArchCondition<>("name no internal type in a public or protected signature") {
            @Override
            public void check(JavaClass type, ConditionEvents events) {
                List<String> found = new ArrayList<>();
                type.getSuperclass().ifPresent(s -> internalTypes(s, "extends", found));
                type.getInterfaces().forEach(i -> internalTypes(i, "implements", found));
                for (JavaMember member : type.getMembers()) {
                    if (!(member.getModifiers().contains(JavaModifier.PUBLIC)
                            || member.getModifiers().contains(JavaModifier.PROTECTED))
                            || member.getModifiers().contains(JavaModifier.SYNTHETIC)) {
                        continue;
                    }
                    String where = member.getDescription();
                    if (member instanceof JavaField field) {
                        internalTypes(field.getType(), where, found);
                    } else if (member instanceof JavaCodeUnit code) {
                        internalTypes(code.getReturnType(), where + " returns", found);
                        code.getParameterTypes().forEach(p -> internalTypes(p, where + " takes", found));
                        code.getThrowsClause().getTypes().forEach(t -> internalTypes(t, where + " throws", found));
                    }
                }
                for (String violation : found) {
                    events.add(SimpleConditionEvent.violated(type, type.getName() + ": " + violation));
                }
            }
        };
    }

    private static void internalTypes(JavaType type, String where, List<String> found) {
        for (JavaClass raw : type.getAllInvolvedRawTypes()) {
            if (isInternal(raw)) {
                found.add(where + " " + raw.getName());
            }
        }
    }
}
