/// A position in a decoded plan document that knows its own path, for precise errors.
struct PlanJSONCursor {
    let value: PlanJSON
    /// Where this value sits, e.g. `plan.agents[2].retry`.
    let path: String

    /// The member `key`; throws ``PlanFileError/missingField(path:)`` when absent or null.
    func field(_ key: String) throws(PlanFileError) -> PlanJSONCursor {
        guard let member = optionalField(key) else { throw .missingField(path: join(key)) }
        return member
    }

    /// The member `key`, or nil when it is absent or null.
    func optionalField(_ key: String) -> PlanJSONCursor? {
        guard case .object(let members) = value, let member = members[key], member != .null else { return nil }
        return PlanJSONCursor(value: member, path: join(key))
    }

    func string() throws(PlanFileError) -> String {
        guard case .string(let text) = value else { throw mismatch("a string") }
        return text
    }

    func int() throws(PlanFileError) -> Int64 {
        guard case .int(let number) = value else { throw mismatch("an integer") }
        return number
    }

    /// An integer that fits `Int` and is at least `minimum`.
    func count(minimum: Int = 0) throws(PlanFileError) -> Int {
        let number = try int()
        guard number >= minimum, let fitted = Int(exactly: number) else { throw mismatch("an integer of at least \(minimum)") }
        return fitted
    }

    func bool() throws(PlanFileError) -> Bool {
        guard case .bool(let flag) = value else { throw mismatch("true or false") }
        return flag
    }

    func array() throws(PlanFileError) -> [PlanJSONCursor] {
        guard case .array(let items) = value else { throw mismatch("a list") }
        return items.enumerated().map { PlanJSONCursor(value: $1, path: "\(path)[\($0)]") }
    }

    /// The members of an object, in key order.
    func members() throws(PlanFileError) -> [(key: String, value: PlanJSONCursor)] {
        guard case .object(let members) = value else { throw mismatch("an object") }
        return members.keys.sorted().map { ($0, PlanJSONCursor(value: members[$0] ?? .null, path: join($0))) }
    }

    func strings() throws(PlanFileError) -> [String] {
        var result: [String] = []
        for item in try array() { result.append(try item.string()) }
        return result
    }

    /// An error saying this value is not `expected`.
    func mismatch(_ expected: String) -> PlanFileError {
        .invalidValue(path: path, expected: expected, found: value.kindName)
    }

    private func join(_ key: String) -> String { path.isEmpty ? key : "\(path).\(key)" }
}
