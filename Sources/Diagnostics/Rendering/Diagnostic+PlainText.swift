extension Diagnostic {
    /// The message, then `note: …` for each of `notes`, then each help line, one per line.
    ///
    /// For formats that show no snippet (SARIF, GitHub annotations), so the notes and help
    /// a person would see in the terminal still reach them.
    func messageWithDetails(notes: [DiagnosticNote]) -> String {
        ([message] + notes.map { "note: \($0.message)" } + help).joined(separator: "\n")
    }
}
