package io.distill4j.cli;

import com.tngtech.archunit.core.domain.JavaClasses;
import com.tngtech.archunit.core.importer.ClassFileImporter;
import com.tngtech.archunit.core.importer.ImportOption;
import org.junit.jupiter.api.Test;

import static com.tngtech.archunit.lang.syntax.ArchRuleDefinition.noClasses;

/** The application's share of the package rules (the framework's are its PackageRulesTest): no engine types, cli on top. */
class ApplicationRulesTest {
    private static final JavaClasses APP = new ClassFileImporter().withImportOption(ImportOption.Predefined.DO_NOT_INCLUDE_TESTS)
            .importPackages("io.distill4j.cli", "io.distill4j.recipes");

    @Test
    void theApplicationNamesNoEngineType() {
        noClasses().should().dependOnClassesThat().haveFullyQualifiedName("org.deeplearning4j.nn.multilayer.MultiLayerNetwork")
                .orShould().dependOnClassesThat().resideInAPackage("org.nd4j.autodiff.samediff..")
                .because("recipes and commands train, checkpoint, evaluate and export through model.TrainableModel").check(APP);
    }

    @Test
    void recipesDoNotDependOnTheCommandLine() {
        noClasses().that().resideInAPackage("io.distill4j.recipes..").should().dependOnClassesThat().resideInAPackage("io.distill4j.cli..")
                .check(APP);
    }
}
