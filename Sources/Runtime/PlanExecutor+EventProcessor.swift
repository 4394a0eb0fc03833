import EventJSON

/// The interpreter as an ``EventProcessor``.
extension PlanExecutor: EventProcessor {
    public func processInline(_ event: JSONValue) -> EventStep {
        switch processInline(event) as InlineOutcome {
        case .finished(let result): .finished(result)
        case .needsAwait(let progress): .needsAwait(PendingEvent(progress))
        }
    }

    public func process(_ event: JSONValue, resuming pending: PendingEvent?) async -> EventResult {
        await process(event, resuming: pending?.progress as? InlineProgress)
    }

    public func dedupKey(for event: JSONValue) -> String? {
        guard let dedupKey else { return nil }
        guard let key = withScope(event: event, outputs: [], { ExpressionEvaluator.evaluate(dedupKey, in: $0) }), key != .null else { return nil }
        return BuiltinFunctions.text(of: key)
    }
}
