package io.interestengine.cli;

import picocli.CommandLine.Command;
import picocli.CommandLine.Unmatched;

import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.Callable;

/** {@code soak [--threads N] [--minutes M] [--models DIR] [--out FILE]}: engine-fuzz's soak, which parses its own options. */
@Command(name = "soak", description = "Every bundled model on every available backend under N threads, each call "
        + "compared with a one-thread reference; samples heap, RSS, files and mappings. "
        + "Options: --threads N, --minutes M, --models DIR, --out FILE.")
final class SoakCommand implements Callable<Integer> {
    @Unmatched
    List<String> args = new ArrayList<>();

    @Override
    public Integer call() throws Exception {
        return io.interestengine.fuzz.Soak.run(args.toArray(new String[0]));
    }
}
