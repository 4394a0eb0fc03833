import EventJSON
import Foundation

/// `type: sentiment`: VADER lexicon-and-rules sentiment of a text (see ``VaderScorer`` for
/// the rules; scores agree with vaderSentiment 3.3.2).
///
/// Settings: `lexicon` (optional) — a file in vader_lexicon.txt's format
/// (`word<TAB>valence[<TAB>...]` per line) replacing the built-in lexicon; the rule words
/// (boosters, negations, idioms) and the emoji descriptions stay VADER's.
///
/// Input `text`. Result fields: `label` (`positive` when compound ≥ 0.05, `negative` when
/// ≤ −0.05, else `neutral`), `compound` (−1…1), `positive`, `negative`, `neutral`
/// (proportions). A `null` text or no `text` input returns `{}` (nothing to score is not a
/// failure); a text that is not a string fails, not retryable. The empty string scores
/// `neutral` with every number 0, as VADER does.
///
/// The built-in lexicon and emoji table are read once per process from the Agents resource
/// bundle (vaderSentiment's MIT-licensed files; see Resources/NOTICE) and shared by every
/// agent that uses them.
public final class SentimentAgent: InProcessAgent {
    let scorer: VaderScorer
    /// Where the lexicon came from (`built-in` or the path), for messages.
    public let lexiconSource: String
    /// Words in the lexicon (plus VADER's rule words).
    public var vocabularySize: Int { scorer.lexicon.count }

    private static let template = JSONObject([
        ("label", .string("neutral")), ("compound", .double(0)), ("positive", .double(0)),
        ("negative", .double(0)), ("neutral", .double(0)),
    ])

    /// The built-in VADER lexicon.
    public convenience init() throws(AgentLoadError) {
        self.init(scorer: try Self.builtIn.get(), lexiconSource: "built-in")
    }

    /// A lexicon file in vader_lexicon.txt's format; `display` names it in messages.
    public convenience init(lexicon url: URL, display: String? = nil) throws(AgentLoadError) {
        let display = display ?? url.path
        try self.init(lexiconText: try TextFiles.read(url, display: display), source: display)
    }

    /// A lexicon given as text in vader_lexicon.txt's format.
    public convenience init(lexiconText: String, source: String = "<lexicon>") throws(AgentLoadError) {
        let valences = try VaderLexicon.parseValences(lexiconText, file: source)
        let emoji = try Self.builtInEmoji.get()
        self.init(scorer: VaderScorer(lexicon: VaderLexicon(valences: valences), emoji: emoji), lexiconSource: source)
    }

    init(scorer: VaderScorer, lexiconSource: String) {
        self.scorer = scorer
        self.lexiconSource = lexiconSource
    }

    public func call(_ inputs: JSONObject) throws(AgentFailure) -> JSONValue {
        guard let value = inputs["text"] else { return .emptyObject }
        switch value {
        case .string(let text):
            let scores = scorer.score(text)
            var result = Self.template
            result["label"] = .string(scores.label)
            result["compound"] = .double(scores.compound)
            result["positive"] = .double(scores.positive)
            result["negative"] = .double(scores.negative)
            result["neutral"] = .double(scores.neutral)
            return .object(result)
        case .null:
            return .emptyObject
        default:
            throw .invalidInput("sentiment input `text` must be a string, got \(value.typeName)")
        }
    }

    /// The scores of `text`.
    public func score(_ text: String) -> SentimentScores { scorer.score(text) }

    // MARK: Built-in resources

    static let builtInEmoji: Result<[UInt32: String], AgentLoadError> = Result { () throws(AgentLoadError) in
        try VaderLexicon.parseEmoji(try resourceText("emoji_utf8_lexicon"), file: "emoji_utf8_lexicon.txt (built-in)")
    }

    static let builtIn: Result<VaderScorer, AgentLoadError> = Result { () throws(AgentLoadError) in
        let valences = try VaderLexicon.parseValences(try resourceText("vader_lexicon"), file: "vader_lexicon.txt (built-in)")
        return VaderScorer(lexicon: VaderLexicon(valences: valences), emoji: try builtInEmoji.get())
    }

    private static func resourceText(_ name: String) throws(AgentLoadError) -> String {
        guard let url = Bundle.module.url(forResource: name, withExtension: "txt", subdirectory: "Resources") else {
            throw AgentLoadError(file: "\(name).txt", "missing from the Agents resource bundle (\(Bundle.module.bundlePath))")
        }
        return try TextFiles.read(url, display: "\(name).txt (built-in)")
    }
}
