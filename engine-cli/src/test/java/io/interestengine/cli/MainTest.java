package io.interestengine.cli;

import org.junit.jupiter.api.Test;
import picocli.CommandLine;

import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.file.Path;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

class MainTest {
    @Test
    void serveTakesRepeatedNamedModelsAndItsOptions() {
        CommandLine cl = Main.commandLine();
        CommandLine.ParseResult r = cl.parseArgs("serve", "--model", "din=models/din", "--model", "dien=models/dien",
                "--port", "9000",
                "--state", "redis://127.0.0.1:7000,127.0.0.1:7001", "--max-inflight", "8");
        ServeCommand s = (ServeCommand) r.subcommand().commandSpec().userObject();
        assertEquals(Path.of("models/din"), s.models.get("din"));
        assertEquals(Path.of("models/dien"), s.models.get("dien"));
        assertEquals(9000, s.port);
        assertEquals("redis://127.0.0.1:7000,127.0.0.1:7001", s.state);
        assertEquals(8, s.maxInFlight);
    }

    @Test
    void uicNeedsModelStateAndEvents() {
        CommandLine cl = Main.commandLine();
        StringWriter err = new StringWriter();
        cl.setErr(new PrintWriter(err));
        assertEquals(2, cl.execute("uic", "--model", "models/dien"));
        assertTrue(err.toString().contains("--state") && err.toString().contains("--events"), err.toString());
        UicCommand u = (UicCommand) Main.commandLine().parseArgs("uic", "--model", "m", "--state", "redis://h:1",
                "--events", "ev",
                "--consumer", "w1").subcommand().commandSpec().userObject();
        assertEquals("w1", u.consumer);
        assertEquals("uic", u.group);
    }

    @Test
    void unknownCommandsAndNoCommandAreUsageErrors() {
        CommandLine cl = Main.commandLine();
        cl.setErr(new PrintWriter(new StringWriter()));
        assertEquals(2, cl.execute("nope"));
        assertEquals(2, Main.commandLine().setErr(new PrintWriter(new StringWriter())).execute());
    }
}
