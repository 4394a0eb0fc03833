import PipelineSyntax

/// Microsecond figures written the way pipeline files write durations (`545ms`, `1m30s`).
enum TimeText {
    /// `microseconds` as a duration, with a minus sign when negative.
    static func format(_ microseconds: Int64) -> String {
        if microseconds < 0 {
            return "-" + PipelineDuration(microseconds: microseconds == .min ? .max : -microseconds).description
        }
        return PipelineDuration(microseconds: microseconds).description
    }
}
