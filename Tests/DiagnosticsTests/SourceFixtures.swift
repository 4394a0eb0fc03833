import Diagnostics

/// Builds source files and ranges for renderer tests by searching for text.
enum SourceFixtures {
    /// A pipeline with a typo'd agent reference on line 12 and the real agent on line 3.
    static let pipeline = SourceFile(path: "samples/bad.yaml", text: """
        agents:
          fetch: http
          geocode:
            type: geocoder
          weather:
            type: forecast
        outputs:
          city: fetch.city
          temperature: weather.temperature
          humidity: weather.humidity
          region: geocode.region
          country: geocod.country
        """)

    /// The range of the `occurrence`-th (1-based) appearance of `needle` in `file`.
    static func range(of needle: String, in file: SourceFile, occurrence: Int = 1) -> SourceRange {
        let pattern = Array(needle.utf8)
        var found = 0
        for start in 0...(file.bytes.count - pattern.count) where file.bytes[start..<start + pattern.count].elementsEqual(pattern) {
            found += 1
            if found == occurrence { return file.range(from: start, to: start + pattern.count) }
        }
        fatalError("`\(needle)` occurs fewer than \(occurrence) times in \(file.path)")
    }

    /// The unknown-agent error on `geocod` with a placed note, a plain note, help and a fix-it.
    static func unknownAgent() -> Diagnostic {
        let file = pipeline
        let typo = range(of: "geocod.", in: file)
        let typoWord = file.range(from: typo.start.offset, to: typo.start.offset + 6)
        return Diagnostic(
            .unknownAgent,
            "unknown agent `geocod`",
            at: typoWord,
            notes: [
                DiagnosticNote("agents are declared under `agents:`"),
                DiagnosticNote("`geocode` is declared here", at: range(of: "geocode", in: file)),
            ],
            help: ["did you mean `geocode`?"],
            fixIts: [FixIt("use the declared agent", replacing: typoWord, with: "geocode")]
        )
    }
}
