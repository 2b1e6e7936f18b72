package io.interestengine.bench.peer;

import io.interestengine.BatchRequest;
import io.interestengine.LoadOptions;
import io.interestengine.Model;
import io.interestengine.RankingRequest;
import io.interestengine.Session;

import java.nio.file.Path;

/** The engine on one named backend: the request is filled once and scored through the public API, as a service would. */
final class EngineRunner implements Runner {
    private final Model model;
    private final Session session;
    private final RankingRequest ranking;
    private final BatchRequest batch;
    private final float[] out;

    private final int intra;

    EngineRunner(Path dir, String backend, Workload w, int intraRequestThreads) {
        this.intra = intraRequestThreads;
        this.model = Model.load(dir, LoadOptions.defaults().withBackend(backend).withIntraRequestThreads(intraRequestThreads));
        try {
            this.session = model.newSession();
            this.out = new float[w.rows];
            this.ranking = w.ranking ? w.fill(model, model.newRankingRequest()) : null;
            this.batch = w.ranking ? null : w.fill(model, model.newBatchRequest());
        } catch (RuntimeException e) {
            model.close();
            throw e;
        }
    }

    @Override
    public String runtime() {
        return "engine-" + model.backendName() + (intra > 1 ? "-" + intra + "t" : "");
    }

    @Override
    public void run() {
        if (ranking != null) session.score(ranking, out);
        else session.score(batch, out);
    }

    @Override
    public float[] scores() {
        return out;
    }

    @Override
    public void close() {
        session.close();
        model.close();
    }
}
