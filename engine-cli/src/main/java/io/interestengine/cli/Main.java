package io.interestengine.cli;

import java.util.Arrays;

/** Entry point of {@code ./engine}: {@code demo}, {@code score}, {@code fuzz} and {@code soak}. */
public final class Main {
    private Main() {
    }

    public static void main(String[] args) throws Exception {
        if (args.length == 0) {
            usage();
            System.exit(2);
        }
        String[] rest = Arrays.copyOfRange(args, 1, args.length);
        int rc = switch (args[0]) {
            case "demo" -> Demo.run(Args.parse(rest), System.out);
            case "score" -> ScoreCommand.run(Args.parse(rest), System.in, System.out, System.err);
            case "fuzz" -> io.interestengine.fuzz.Fuzz.run(rest);
            case "soak" -> io.interestengine.fuzz.Soak.run(rest);
            default -> {
                usage();
                yield 2;
            }
        };
        System.exit(rc);
    }

    static void usage() {
        System.err.println("""
                usage:
                  demo  [--models DIR] [--backend auto|scalar|simd|cuda]
                  score --model DIR [--backend auto|scalar|simd|cuda]   (JSON requests on stdin, one per line)
                  fuzz  [--minutes M] [--seed S] [--out DIR]             (mutation fuzzing; reproducers under DIR)
                  soak  [--threads N] [--minutes M]                      (every model on every backend vs one thread)""");
    }
}
