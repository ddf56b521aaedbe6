public import Serving
import SimKernel

/// `requests.csv`: one row per measured completed request, for analyses the summary does not do.
public enum RequestLog {
    public static let header = ["workload", "arrival_s", "admitted_s", "first_token_s", "finished_s", "prompt_tokens", "output_tokens",
                                "preemptions", "ttft_s", "tpot_s", "e2e_s"]

    public static func csv(_ workloads: [(name: String, completions: [RequestCompletion])]) -> String {
        var rows: [[String]] = []
        for (name, completions) in workloads {
            for c in completions {
                rows.append([name, TimeSeries.format(c.arrival.seconds), TimeSeries.format(c.admitted.seconds),
                             TimeSeries.format(c.firstToken.seconds), TimeSeries.format(c.finished.seconds), String(c.promptTokens),
                             String(c.outputTokens), String(c.preemptions), TimeSeries.format(c.timeToFirstToken.seconds),
                             TimeSeries.format(c.timePerOutputTokenSeconds), TimeSeries.format(c.endToEnd.seconds)])
            }
        }
        return CSV.render(header: header, rows: rows)
    }
}
