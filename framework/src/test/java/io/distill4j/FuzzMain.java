package io.distill4j;

import org.junit.platform.launcher.Launcher;
import org.junit.platform.launcher.LauncherDiscoveryRequest;
import org.junit.platform.launcher.core.LauncherDiscoveryRequestBuilder;
import org.junit.platform.launcher.core.LauncherFactory;
import org.junit.platform.launcher.listeners.SummaryGeneratingListener;
import org.junit.platform.launcher.listeners.TestExecutionSummary;

import java.io.PrintWriter;

import static org.junit.platform.engine.discovery.DiscoverySelectors.selectMethod;

/**
 * Runs one fuzz test, {@code FuzzMain <test class> <method>}, in this JVM through the JUnit Platform: what
 * {@code scripts/fuzz} starts per target (with {@code JAZZER_FUZZ=1}), a few seconds instead of a Maven run's start-up.
 * Jazzer's options come as system properties ({@code -Djazzer.internal.arg.1=-max_total_time=60}). Exit code 0 when
 * the test passed, 1 when it failed (Jazzer's first finding fails it unless {@code jazzer.keep_going} lets it go on).
 */
public final class FuzzMain {
    private FuzzMain() {
    }

    public static void main(String[] args) {
        if (args.length != 2) {
            System.err.println("usage: FuzzMain <fuzz test class> <method>");
            System.exit(2);
        }
        LauncherDiscoveryRequest request = LauncherDiscoveryRequestBuilder.request()
                .selectors(selectMethod(args[0] + "#" + args[1] + "(byte[])")).build();
        Launcher launcher = LauncherFactory.create();
        SummaryGeneratingListener listener = new SummaryGeneratingListener();
        launcher.execute(request, listener);
        TestExecutionSummary summary = listener.getSummary();
        summary.printTo(new PrintWriter(System.out, true));
        summary.printFailuresTo(new PrintWriter(System.out, true), 30);
        if (summary.getTestsFoundCount() == 0) {
            System.err.println("FuzzMain: no test " + args[0] + "#" + args[1] + "(byte[])");
            System.exit(2);
        }
        System.exit(summary.getTotalFailureCount() == 0 ? 0 : 1);
    }
}
