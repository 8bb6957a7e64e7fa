package io.distill4j.cli;

import io.distill4j.config.ResolvedConfig;
import io.distill4j.config.RunConfig;
import io.distill4j.train.Participants;
import picocli.CommandLine;
import picocli.CommandLine.Command;

import java.util.concurrent.Callable;

/** {@code distill4j validate --config F}: the config checks alone, nothing is built or trained. */
@Command(name = "validate", mixinStandardHelpOptions = true,
        description = "Check a config (and --set overrides) without training; prints the resolved config.")
public final class ValidateCommand implements Callable<Integer> {
    @CommandLine.Mixin
    ConfigOptions configOptions;

    @CommandLine.Option(names = "--print", description = "Print the resolved config (all defaults filled in).")
    boolean print;

    @CommandLine.Spec
    CommandLine.Model.CommandSpec spec;

    @Override
    public Integer call() {
        ResolvedConfig resolved = configOptions.load();
        RunConfig c = resolved.config();
        int models = c.models().all().size();
        int twins = Participants.names(c.models(), c.distill().twins()).size() - models;
        spec.commandLine().getOut().printf("%s: valid (%s recipe, %s, %d model(s)%s, config hash %s)%n",
                configOptions.config, c.recipe(), c.data().sourceName(), models, twins == 0 ? "" : " + " + twins + " scratch twin(s)",
                resolved.hash().substring(0, 12));
        // each a line of its own, control characters escaped like every message that may quote the config
        configOptions.warnings(resolved, 1).forEach(w -> spec.commandLine().getOut().println(ConsoleText.line(w)));
        if (print) spec.commandLine().getOut().print(resolved.yaml());
        // print() does not flush an auto-flushing writer, and main() exits right after: unflushed text would be lost
        spec.commandLine().getOut().flush();
        return ExitCodes.OK;
    }
}
