package io.distill4j;

import com.tngtech.archunit.core.domain.JavaClasses;
import com.tngtech.archunit.core.importer.ClassFileImporter;
import com.tngtech.archunit.core.importer.ImportOption;
import com.tngtech.archunit.lang.ArchRule;
import org.junit.jupiter.api.Test;

import static com.tngtech.archunit.lang.syntax.ArchRuleDefinition.noClasses;
import static com.tngtech.archunit.library.dependencies.SlicesRuleDefinition.slices;

/**
 * The package dependency rules of the framework (DESIGN.md, "Dependency direction"), checked on the compiled classes.
 * From the bottom: {@code config} knows no engine and nothing that trains; {@code step} and the model families do the
 * arithmetic; {@code train} is the loop; {@code checkpoint} and {@code report} read and write models and run folders
 * without knowing the loop; {@code listeners} tie the loop to them. Engine types stay in the engine's own packages.
 */
class PackageRulesTest {
    private static final JavaClasses MAIN = new ClassFileImporter()
            .withImportOption(ImportOption.Predefined.DO_NOT_INCLUDE_TESTS).importPackages("io.distill4j");

    private static String[] packages(String... names) {
        String[] out = new String[names.length];
        for (int i = 0; i < names.length; i++) out[i] = "io.distill4j." + names[i] + "..";
        return out;
    }

    private static ArchRule mustNotDependOn(String from, String... to) {
        return noClasses().that().resideInAPackage("io.distill4j." + from + "..")
                .should().dependOnClassesThat().resideInAnyPackage(packages(to));
    }

    @Test
    void configKnowsNoEngineAndNothingThatTrains() {
        mustNotDependOn("config", "step", "model", "train", "checkpoint", "report", "listeners", "run")
                .because("a config is validated before anything is built; families bring their own rules (config.FamilyRules)")
                .check(MAIN);
    }

    @Test
    void reportsDoNotDependOnTheTrainingLoop() {
        mustNotDependOn("report", "train", "listeners", "checkpoint", "step")
                .because("a report reads run folders and evaluates models, whoever trained them").check(MAIN);
    }

    @Test
    void modelsKnowNothingOfTheLoopCheckpointsOrReports() {
        mustNotDependOn("model", "train", "checkpoint", "report", "listeners", "run").check(MAIN);
    }

    @Test
    void checkpointsAndTheRunFolderDoNotDependOnTheTrainingLoop() {
        mustNotDependOn("checkpoint", "train", "listeners", "report", "run").check(MAIN);
        mustNotDependOn("run", "train", "listeners", "report", "checkpoint").check(MAIN);
    }

    @Test
    void theLoopWritesNoFiles() {
        mustNotDependOn("train", "checkpoint", "report", "listeners", "run")
                .because("metrics, evaluation and checkpoints are listeners of the loop").check(MAIN);
    }

    @Test
    void theStepsAreArithmeticOnly() {
        mustNotDependOn("step", "model", "train", "checkpoint", "report", "listeners", "run", "config").check(MAIN);
    }

    @Test
    void engineTypesStayInTheEnginesPackages() {
        noClasses().that().resideOutsideOfPackages(packages("step", "model.dl4j", "loss"))
                .should().dependOnClassesThat().haveFullyQualifiedName("org.deeplearning4j.nn.multilayer.MultiLayerNetwork")
                .because("everything else goes through model.TrainableModel").check(MAIN);
        noClasses().that().resideOutsideOfPackages("io.distill4j.model.*..")
                .should().dependOnClassesThat().resideInAPackage("org.nd4j.autodiff.samediff..")
                .because("a SameDiff model lives in its own package below model").check(MAIN);
    }

    @Test
    void topLevelPackagesFormNoCycle() {
        slices().matching("io.distill4j.(*)..").should().beFreeOfCycles().check(MAIN);
    }
}
