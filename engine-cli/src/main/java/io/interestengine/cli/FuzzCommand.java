package io.interestengine.cli;

import picocli.CommandLine.Command;
import picocli.CommandLine.Unmatched;

import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.Callable;

/** {@code fuzz [--minutes M] [--seed S] [--out DIR]}: the mutation fuzzers of engine-fuzz, which parse their own options. */
@Command(name = "fuzz", description = "Mutation fuzzing of model directories, request lines and user states; "
        + "reproducers of any undocumented outcome under --out. Options: --minutes M, --seed S, --out DIR.")
final class FuzzCommand implements Callable<Integer> {
    @Unmatched
    List<String> args = new ArrayList<>();

    @Override
    public Integer call() throws Exception {
        return io.interestengine.fuzz.Fuzz.run(args.toArray(new String[0]));
    }
}
