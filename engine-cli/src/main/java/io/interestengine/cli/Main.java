package io.interestengine.cli;

import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Spec;

/** Entry point of {@code ./engine}: one picocli subcommand per command. */
@Command(name = "engine", mixinStandardHelpOptions = true, description = "interest-engine command line",
        synopsisSubcommandLabel = "COMMAND")
public final class Main implements Runnable {
    @Spec
    CommandSpec spec;

    /** No command given: print the usage (exit status 2, as for any usage error). */
    @Override
    public void run() {
        throw new CommandLine.ParameterException(spec.commandLine(), "missing command");
    }

    public static void main(String[] args) {
        System.exit(commandLine().execute(args));
    }

    /** The command line with every command: a new command is a {@code @Command} class and one line here. */
    static CommandLine commandLine() {
        return new CommandLine(new Main())
                .addSubcommand(new Demo())
                .addSubcommand(new ScoreCommand())
                .addSubcommand(new ServeCommand())
                .addSubcommand(new UicCommand())
                .addSubcommand(new FuzzCommand())
                .addSubcommand(new SoakCommand());
    }
}
