/// Reads and writes plan files: versioned, deterministic JSON.
///
/// The header (`format`, `version`, `compiler`, `source`) sits at the top level and the
/// plan itself under `plan`. Keys are sorted and the layout fixed, so compiling the same
/// source with the same enrich gives byte-identical files. Expressions are stored
/// parsed (see ``PlanExpression``); environment variables appear only by name.
public enum PlanFile {
    /// The first part of a plan file, readable before the rest is understood.
    struct Header {
        var version: Int
        var compiler: String
        var source: PlanSource
    }

    /// The plan as file bytes (UTF-8 JSON ending in a newline).
    public static func encode(_ plan: Plan) -> [UInt8] {
        PlanJSONWriter.write(
            .object([
                "format": .string(Plan.formatName),
                "version": .int(Int64(plan.version)),
                "compiler": .string(plan.compiler),
                "source": .object(["path": .string(plan.source.path), "sha256": .string(plan.source.sha256)]),
                "plan": plan.bodyJSON,
            ]))
    }

    /// The plan in `bytes`; throws ``PlanFileError`` saying what is wrong and where.
    public static func decode(_ bytes: [UInt8]) throws(PlanFileError) -> Plan {
        let document: PlanJSON
        do {
            document = try PlanJSONReader.read(bytes)
        } catch {
            throw .corrupt(error.message)
        }
        let root = PlanJSONCursor(value: document, path: "")
        guard case .object = document else { throw .notAPlan(format: nil) }
        guard let format = root.optionalField("format") else { throw .notAPlan(format: nil) }
        guard case .string(let name) = format.value, name == Plan.formatName else {
            throw .notAPlan(format: (try? format.string()) ?? PlanJSONWriter.compactText(format.value).text)
        }
        let version = try root.field("version").count(minimum: 1)
        if version > Plan.formatVersion { throw .newerVersion(found: version, supported: Plan.formatVersion) }
        let source = try root.field("source")
        let header = Header(
            version: version,
            compiler: try root.field("compiler").string(),
            source: PlanSource(path: try source.field("path").string(), sha256: try source.field("sha256").string()))
        return try Plan(header: header, body: root.field("plan"))
    }

    /// Whether `bytes` look like a plan file rather than pipeline YAML.
    ///
    /// A plan is a JSON object whose `format` key comes within its first lines (keys are
    /// sorted, and only `compiler` sorts before it), so a truncated plan still counts.
    public static func looksLikePlan(_ bytes: [UInt8]) -> Bool {
        guard let first = bytes.first(where: { ![0x20, 0x0A, 0x0D, 0x09].contains($0) }), first == UInt8(ascii: "{") else {
            return false
        }
        let head = String(decoding: bytes.prefix(4096), as: UTF8.self)
        return head.contains("\"format\"")
    }
}

extension [UInt8] {
    fileprivate var text: String { String(decoding: self, as: UTF8.self) }
}
