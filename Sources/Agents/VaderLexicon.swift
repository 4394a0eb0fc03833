import Foundation

/// The words VADER knows, pre-hashed: the sentiment lexicon plus the rule words (boosters
/// and dampeners, negations, and the words of the idioms and special phrases), in one
/// open-addressing table keyed by lower-case UTF-8 bytes. Scoring a token is one hash of
/// its bytes and usually one probe; everything the rules need about the word comes back
/// with it, so the rules themselves compare small integers, never strings.
///
/// Immutable after loading; shared by every call.
struct VaderLexicon: Sendable {
    struct Flags: OptionSet, Sendable {
        let rawValue: UInt8
        /// In the sentiment lexicon (``Entry/valence`` is meaningful).
        static let lexicon = Flags(rawValue: 1)
        /// A booster or dampener (``Entry/booster`` is meaningful).
        static let booster = Flags(rawValue: 2)
        /// One of VADER's negation words (`not`, `never`, `without`, ...).
        static let negation = Flags(rawValue: 4)
    }

    struct Entry: Sendable {
        var valence: Double = 0
        var booster: Double = 0
        var flags: Flags = []
        var word: VaderWord = .other
    }

    let entries: [Entry]
    /// Lower-case word → position in ``entries``.
    private let index: StringIndex

    var count: Int { entries.count }

    /// Builds the table from `valences` (the lexicon) plus VADER's fixed rule words.
    init(valences: [(String, Double)]) {
        var order: [String] = []
        var table: [String: Entry] = [:]
        func update(_ word: String, _ change: (inout Entry) -> Void) {
            if table[word] == nil { order.append(word) }
            change(&table[word, default: Entry()])
        }
        for (word, valence) in valences {
            update(word) {
                $0.valence = valence
                $0.flags.insert(.lexicon)
            }
        }
        for (word, scalar) in VaderRules.boosters where !word.contains(" ") {
            update(word) {
                $0.booster = scalar
                $0.flags.insert(.booster)
            }
        }
        for word in VaderRules.negations { update(word) { $0.flags.insert(.negation) } }
        for word in VaderWord.allCases where word != .other { update(word.text) { $0.word = word } }
        self.entries = order.map { table[$0]! }
        self.index = StringIndex(order)
    }

    /// The entry index of the lower-case word `key`, or -1 (see ``StringIndex/find(_:padded:)``).
    @inline(__always)
    func find(_ key: UnsafeBufferPointer<UInt8>, padded: Bool = false) -> Int {
        index.find(key, padded: padded)
    }

    /// The entry for `word` (already lower case), if any (for tests and the slow path).
    func entry(for word: String) -> Entry? {
        let position = index.find(word)
        return position < 0 ? nil : entries[position]
    }

    // MARK: Loading

    /// Parses a lexicon in vader_lexicon.txt's format: one `word<TAB>valence[<TAB>...]` per
    /// line (further columns ignored), as vaderSentiment reads it: each line is trimmed,
    /// blank lines are skipped, and a word listed twice takes its last valence.
    static func parseValences(_ text: String, file: String) throws(AgentLoadError) -> [(String, Double)] {
        var result: [(String, Double)] = []
        result.reserveCapacity(8_000)
        var lineNumber = 0
        for rawLine in lines(of: text) {
            lineNumber += 1
            let line = rawLine.trimmingCharacters(in: .whitespacesAndNewlines)
            if line.isEmpty { continue }
            let fields = line.split(separator: "\t", maxSplits: 2, omittingEmptySubsequences: false)
            guard fields.count >= 2 else {
                throw AgentLoadError(file: file, line: lineNumber, "expected `word<TAB>valence`, found no tab")
            }
            let measure = fields[1].trimmingCharacters(in: .whitespaces)
            guard let valence = Double(measure), valence.isFinite else {
                throw AgentLoadError(file: file, line: lineNumber, "valence `\(measure)` of `\(fields[0])` is not a number")
            }
            result.append((String(fields[0]), valence))
        }
        if result.isEmpty { throw AgentLoadError(file: file, "holds no lexicon entries") }
        return result
    }

    /// The lines of `text`, split at LF only (a CR before it is trimmed with the line): a
    /// `String`'s own split would treat CRLF as one `Character` and miss it.
    private static func lines(of text: String) -> [String] {
        text.utf8.split(separator: UInt8(ascii: "\n"), omittingEmptySubsequences: false).map { String(decoding: $0, as: UTF8.self) }
    }

    /// Parses emoji_utf8_lexicon.txt (`emoji<TAB>description`) into the single-scalar
    /// entries: vaderSentiment replaces emoji while iterating code points, so entries of
    /// several code points never match there and are dropped here too.
    static func parseEmoji(_ text: String, file: String) throws(AgentLoadError) -> [UInt32: String] {
        var result: [UInt32: String] = [:]
        var lineNumber = 0
        for rawLine in lines(of: text) {
            lineNumber += 1
            let line = rawLine.trimmingCharacters(in: .whitespacesAndNewlines)
            if line.isEmpty { continue }
            let fields = line.split(separator: "\t", maxSplits: 2, omittingEmptySubsequences: false)
            guard fields.count >= 2 else {
                throw AgentLoadError(file: file, line: lineNumber, "expected `emoji<TAB>description`, found no tab")
            }
            let scalars = fields[0].unicodeScalars
            if scalars.count == 1 { result[scalars.first!.value] = String(fields[1]) }
        }
        return result
    }
}

/// Words the VADER rules test for by identity (negation scope, idioms, "but", "least", ...).
enum VaderWord: UInt8, CaseIterable, Sendable {
    case other = 0
    case no, or, nor, never, so, this, without, doubt, least, at, very, but, kind, of
    case the, shit, bomb, bad, ass, bus, stop, yeah, right, kiss, death, to, die, `for`, beating, heart
    case just, enough, sort

    var text: String {
        switch self {
        case .other: ""
        case .for: "for"
        default: "\(self)"
        }
    }
}

/// VADER's constants and word lists, verbatim from vaderSentiment 3.3.2.
enum VaderRules {
    /// Empirically derived mean sentiment intensity rating increase for booster words.
    static let boosterIncrement = 0.293
    static let boosterDecrement = -0.293
    /// Increase for a word in ALL CAPS among mixed-case words.
    static let capsIncrement = 0.733
    /// Multiplier applied to a negated valence.
    static let negationScalar = -0.74

    static let negations: [String] = [
        "aint", "arent", "cannot", "cant", "couldnt", "darent", "didnt", "doesnt",
        "ain't", "aren't", "can't", "couldn't", "daren't", "didn't", "doesn't",
        "dont", "hadnt", "hasnt", "havent", "isnt", "mightnt", "mustnt", "neither",
        "don't", "hadn't", "hasn't", "haven't", "isn't", "mightn't", "mustn't",
        "neednt", "needn't", "never", "none", "nope", "nor", "not", "nothing", "nowhere",
        "oughtnt", "shant", "shouldnt", "uhuh", "wasnt", "werent",
        "oughtn't", "shan't", "shouldn't", "uh-uh", "wasn't", "weren't",
        "without", "wont", "wouldnt", "won't", "wouldn't", "rarely", "seldom", "despite",
    ]

    static let boosters: [(String, Double)] = {
        let up = [
            "absolutely", "amazingly", "awfully", "completely", "considerable", "considerably",
            "decidedly", "deeply", "effing", "enormous", "enormously", "entirely", "especially",
            "exceptional", "exceptionally", "extreme", "extremely", "fabulously", "flipping", "flippin",
            "frackin", "fracking", "fricking", "frickin", "frigging", "friggin", "fully", "fuckin",
            "fucking", "fuggin", "fugging", "greatly", "hella", "highly", "hugely", "incredible",
            "incredibly", "intensely", "major", "majorly", "more", "most", "particularly", "purely",
            "quite", "really", "remarkably", "so", "substantially", "thoroughly", "total", "totally",
            "tremendous", "tremendously", "uber", "unbelievably", "unusually", "utter", "utterly", "very",
        ]
        let down = [
            "almost", "barely", "hardly", "just enough", "kind of", "kinda", "kindof", "kind-of",
            "less", "little", "marginal", "marginally", "occasional", "occasionally", "partly",
            "scarce", "scarcely", "slight", "slightly", "somewhat", "sort of", "sorta", "sortof", "sort-of",
        ]
        return up.map { ($0, boosterIncrement) } + down.map { ($0, boosterDecrement) }
    }()
}
