import EventJSON

/// What an agent produced, read by output position (its `output:` order).
///
/// Generated pipelines copy each value into a typed field; reading an in-process agent's
/// result this way picks the fields out of it directly, as the interpreter does, instead of
/// making an array of them per call.
public struct ProducedOutputs: Sendable {
    let produced: AgentCallOutcome.Produced
    let agent: RuntimeAgent

    /// Output `position`; nil when the agent did not produce it.
    public subscript(position: Int) -> JSONValue? {
        switch produced {
        case .nothing: nil
        case .result(let result): agent.output(at: position, from: result)
        case .values(let values): values[position]
        }
    }
}
