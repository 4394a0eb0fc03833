import Foundation

/// VADER sentiment scores of one text, as vaderSentiment 3.3.2's `polarity_scores`
/// returns them: `compound` rounded to 4 decimals, the proportions to 3 (Python's `round`,
/// i.e. the exact binary value rounded half to even).
public struct SentimentScores: Hashable, Sendable {
    /// Normalised sum of valences, in [-1, 1].
    public var compound: Double
    /// Proportion of the text that is positive, negative, neutral.
    public var positive: Double
    public var negative: Double
    public var neutral: Double

    /// `positive` when compound ≥ 0.05, `negative` when ≤ −0.05, else `neutral` (the
    /// thresholds VADER's authors recommend).
    public var label: String {
        compound >= 0.05 ? "positive" : compound <= -0.05 ? "negative" : "neutral"
    }
}

/// A Swift port of VADER (Hutto & Gilbert 2014), following vaderSentiment 3.3.2's
/// `SentimentIntensityAnalyzer.polarity_scores` step by step, quirks included, so that
/// scores agree with the Python reference:
///
/// - emoji (single code points of emoji_utf8_lexicon.txt) are replaced by their
///   descriptions; the text is split on Python's whitespace; each token loses leading and
///   trailing ASCII punctuation unless that leaves two characters or fewer (emoticons);
/// - each token's lexicon valence is adjusted by: `no` before a lexicon word; ALL-CAPS
///   emphasis when the text mixes case (C_INCR 0.733); up to three preceding boosters and
///   dampeners (±0.293, scaled 1, 0.95, 0.9 by distance); negation in the three preceding
///   words (× −0.74, N_SCALAR), with "never so/this" (× 1.25) and "without doubt";
///   special phrases ("the shit", "kiss of death", ...) and "kind of"/"sort of"/"just
///   enough"; "least" as a negation unless after "at"/"very";
/// - "but": valences before it × 0.5, after it × 1.5 (including Python's
///   `list.index` quirk: equal valences share the first one's slot);
/// - the sum gets up to 4 `!` × 0.292 and 2–3 `?` × 0.18 (0.96 for more) of emphasis and
///   is normalised by s / √(s² + 15); positive/negative/neutral are the shares of
///   (valence + 1), (valence − 1) and neutral-token counts.
///
/// Tokenising works on UTF-8 bytes without regular expressions; ASCII tokens are lower-
/// cased into a scratch buffer and looked up in the pre-hashed ``VaderLexicon`` (non-ASCII
/// tokens take a slower path through `String.lowercased()`, as Python's `str.lower`).
/// Scratch space is stack-allocated for typical texts.
struct VaderScorer: Sendable {
    let lexicon: VaderLexicon
    /// Single-code-point emoji → description.
    let emoji: [UInt32: String]
    private let classTable = ByteClass.table

    init(lexicon: VaderLexicon, emoji: [UInt32: String]) {
        self.lexicon = lexicon
        self.emoji = emoji
    }

    func score(_ text: String) -> SentimentScores {
        // Fast path: contiguous ASCII text, which cannot hold emoji.
        let direct = text.utf8.withContiguousStorageIfAvailable { bytes -> SentimentScores? in
            if !emoji.isEmpty && Self.containsNonASCII(bytes) { return nil }
            return score(utf8: bytes)
        }
        if let direct, let scores = direct { return scores }
        var prepared = replacingEmoji(text) ?? text
        return prepared.withUTF8 { score(utf8: $0) }
    }

    /// True when some byte is ≥ 0x80 (8 bytes at a time).
    @inline(__always)
    static func containsNonASCII(_ bytes: UnsafeBufferPointer<UInt8>) -> Bool {
        guard let base = bytes.baseAddress else { return false }
        let raw = UnsafeRawPointer(base)
        var index = 0
        var accumulated: UInt64 = 0
        while index + 8 <= bytes.count {
            accumulated |= raw.loadUnaligned(fromByteOffset: index, as: UInt64.self)
            index += 8
        }
        while index < bytes.count {
            accumulated |= UInt64(bytes[index])
            index += 1
        }
        return accumulated & 0x8080_8080_8080_8080 != 0
    }

    /// The text with emoji replaced by their descriptions, exactly as vaderSentiment does
    /// it (a space before a description unless one precedes it, none after); nil when the
    /// text holds no emoji (the common case, found without allocating).
    func replacingEmoji(_ text: String) -> String? {
        guard !emoji.isEmpty, text.unicodeScalars.contains(where: { $0.value >= 0x80 && emoji[$0.value] != nil }) else { return nil }
        var result = String.UnicodeScalarView()
        var previousSpace = true
        for scalar in text.unicodeScalars {
            if let description = emoji[scalar.value] {
                if !previousSpace { result.append(" ") }
                result.append(contentsOf: description.unicodeScalars)
                previousSpace = false
            } else {
                result.append(scalar)
                previousSpace = scalar == " "
            }
        }
        return String(result)
    }

    struct Token {
        var valence: Double
        var booster: Double
        var flags: VaderLexicon.Flags
        var word: VaderWord
        var isUpper: Bool
        var hasNT: Bool

        @inline(__always) var inLexicon: Bool { flags.contains(.lexicon) }
        @inline(__always) var isBooster: Bool { flags.contains(.booster) }
        /// vaderSentiment's `negated([word])`: a negation word, or any word containing "n't".
        @inline(__always) var isNegated: Bool { hasNT || flags.contains(.negation) }
    }

    func score(utf8 bytes: UnsafeBufferPointer<UInt8>) -> SentimentScores {
        let maximumTokens = bytes.count / 2 + 1
        return withUnsafeTemporaryAllocation(of: Token.self, capacity: maximumTokens) { tokens in
            // Eight spare zero bytes at the end let the lexicon hash read whole words.
            withUnsafeTemporaryAllocation(of: UInt8.self, capacity: bytes.count + StringIndex.padding) { lowered in
                lowered.initialize(repeating: 0)
                return withUnsafeTemporaryAllocation(of: Double.self, capacity: maximumTokens) { sentiments in
                    let count = tokenize(bytes, into: tokens, scratch: lowered)
                    return evaluate(UnsafeMutableBufferPointer(rebasing: tokens[0..<count]), bytes, sentiments)
                }
            }
        }
    }

    // MARK: Tokens

    /// Byte classes for the tokenizer (one table lookup per byte).
    enum ByteClass {
        static let space: UInt8 = 1  // ASCII whitespace (Python's str.isspace)
        static let punctuation: UInt8 = 2  // string.punctuation
        static let upper: UInt8 = 4
        static let lower: UInt8 = 8
        static let apostrophe: UInt8 = 16
        static let nonASCII: UInt8 = 32

        static let table: [UInt8] = (0..<256).map { value in
            let byte = UInt8(value)
            var classes: UInt8 = 0
            if byte >= 0x80 { classes |= nonASCII }
            if (9...13).contains(byte) || (28...32).contains(byte) { classes |= space }
            if VaderScorer.isPunctuation(byte) { classes |= punctuation }
            if (UInt8(ascii: "A")...UInt8(ascii: "Z")).contains(byte) { classes |= upper }
            if (UInt8(ascii: "a")...UInt8(ascii: "z")).contains(byte) { classes |= lower }
            if byte == UInt8(ascii: "'") { classes |= apostrophe }
            return classes
        }
    }

    /// Splits like Python's `str.split()` and strips punctuation like `_strip_punc_if_word`,
    /// filling `tokens`; returns how many. Each token's bytes are read once: classified,
    /// lower-cased into `scratch` (at the same offsets) and then looked up.
    private func tokenize(
        _ bytes: UnsafeBufferPointer<UInt8>, into tokens: UnsafeMutableBufferPointer<Token>,
        scratch: UnsafeMutableBufferPointer<UInt8>
    ) -> Int {
        classTable.withUnsafeBufferPointer { table in
            var count = 0
            var index = 0
            let end = bytes.count
            while index < end {
                let first = table[Int(bytes[index])]
                if first & ByteClass.space != 0 {
                    index += 1
                    continue
                }
                if first & ByteClass.nonASCII != 0 {
                    let space = Self.whitespaceLength(bytes, at: index)
                    if space > 0 {
                        index += space
                        continue
                    }
                }
                let start = index
                var seen: UInt8 = 0
                while index < end {
                    let byte = bytes[index]
                    let classes = table[Int(byte)]
                    if classes & ByteClass.space != 0 { break }
                    if classes & ByteClass.nonASCII != 0, Self.whitespaceLength(bytes, at: index) > 0 { break }
                    seen |= classes
                    scratch[index] = classes & ByteClass.upper != 0 ? byte | 0x20 : byte
                    index += 1
                }
                tokens.initializeElement(at: count, to: makeToken(bytes, start, index, seen, scratch, table))
                count += 1
            }
            return count
        }
    }

    /// The token for `bytes[tokenStart..<tokenEnd]`, already lower-cased into `scratch`;
    /// `seen` is the union of its byte classes.
    @inline(__always)
    private func makeToken(
        _ bytes: UnsafeBufferPointer<UInt8>, _ tokenStart: Int, _ tokenEnd: Int, _ seen: UInt8,
        _ scratch: UnsafeMutableBufferPointer<UInt8>, _ table: UnsafeBufferPointer<UInt8>
    ) -> Token {
        var start = tokenStart
        var end = tokenEnd
        if seen & ByteClass.punctuation != 0 {
            while start < end, table[Int(bytes[start])] & ByteClass.punctuation != 0 { start += 1 }
            while end > start, table[Int(bytes[end - 1])] & ByteClass.punctuation != 0 { end -= 1 }
        }
        if seen & ByteClass.nonASCII != 0 {
            // Characters, not bytes, decide whether the stripped word is too short to be one.
            var characters = 0
            for position in start..<end where bytes[position] & 0xC0 != 0x80 { characters += 1 }
            if characters <= 2 { (start, end) = (tokenStart, tokenEnd) }
            return makeToken(String(decoding: UnsafeBufferPointer(rebasing: bytes[start..<end]), as: UTF8.self))
        }
        // Two characters or fewer left: probably an emoticon; keep the token whole.
        // (Punctuation has no case, so the stripped word's case is the whole token's.)
        if end - start <= 2 { (start, end) = (tokenStart, tokenEnd) }
        let isUpper = seen & ByteClass.upper != 0 && seen & ByteClass.lower == 0
        return token(
            key: UnsafeBufferPointer(rebasing: scratch[start..<end]), isUpper: isUpper, mayHaveNT: seen & ByteClass.apostrophe != 0,
            padded: true
        )
    }

    /// The slow path for tokens with non-ASCII characters.
    private func makeToken(_ word: String) -> Token {
        var sawCased = false
        var isUpper = true
        for scalar in word.unicodeScalars {
            let properties = scalar.properties
            if properties.isLowercase || properties.generalCategory == .titlecaseLetter {
                isUpper = false
                break
            }
            if properties.isUppercase { sawCased = true }
        }
        var lowered = word.lowercased()
        return lowered.withUTF8 { token(key: $0, isUpper: isUpper && sawCased, mayHaveNT: true, padded: false) }
    }

    @inline(__always)
    private func token(key: UnsafeBufferPointer<UInt8>, isUpper: Bool, mayHaveNT: Bool, padded: Bool) -> Token {
        var hasNT = false
        if mayHaveNT, key.count >= 3 {
            for position in 0...(key.count - 3)
            where key[position] == UInt8(ascii: "n") && key[position + 1] == UInt8(ascii: "'") && key[position + 2] == UInt8(ascii: "t") {
                hasNT = true
                break
            }
        }
        let index = lexicon.find(key, padded: padded)
        if index < 0 {
            return Token(valence: 0, booster: 0, flags: [], word: .other, isUpper: isUpper, hasNT: hasNT)
        }
        let entry = lexicon.entries[index]
        return Token(
            valence: entry.valence, booster: entry.booster, flags: entry.flags, word: entry.word, isUpper: isUpper, hasNT: hasNT
        )
    }

    /// `string.punctuation`: ``!"#$%&'()*+,-./:;<=>?@[\]^_`{|}~``.
    @inline(__always)
    static func isPunctuation(_ byte: UInt8) -> Bool {
        (byte >= 33 && byte <= 47) || (byte >= 58 && byte <= 64) || (byte >= 91 && byte <= 96) || (byte >= 123 && byte <= 126)
    }

    /// The byte length of the whitespace character at `index` (Python's `str.isspace`), or 0.
    @inline(__always)
    static func whitespaceLength(_ bytes: UnsafeBufferPointer<UInt8>, at index: Int) -> Int {
        let byte = bytes[index]
        // ASCII: 9-13 (\t \n \v \f \r), 28-31 (file/group/record/unit separators), 32 (space).
        if byte < 0x80 { return byte <= 32 && (UInt64(0x1_F000_3E00) >> UInt64(byte)) & 1 != 0 ? 1 : 0 }
        let remaining = bytes.count - index
        switch byte {
        case 0xC2:  // U+0085, U+00A0
            guard remaining >= 2 else { return 0 }
            return bytes[index + 1] == 0x85 || bytes[index + 1] == 0xA0 ? 2 : 0
        case 0xE1:  // U+1680
            guard remaining >= 3 else { return 0 }
            return bytes[index + 1] == 0x9A && bytes[index + 2] == 0x80 ? 3 : 0
        case 0xE2:  // U+2000-200A, U+2028, U+2029, U+202F, U+205F
            guard remaining >= 3 else { return 0 }
            let second = bytes[index + 1]
            let third = bytes[index + 2]
            if second == 0x80, third <= 0x8A || third == 0xA8 || third == 0xA9 || third == 0xAF { return 3 }
            return second == 0x81 && third == 0x9F ? 3 : 0
        case 0xE3:  // U+3000
            guard remaining >= 3 else { return 0 }
            return bytes[index + 1] == 0x80 && bytes[index + 2] == 0x80 ? 3 : 0
        default:
            return 0
        }
    }

    // MARK: Rules

    private func evaluate(
        _ tokens: UnsafeMutableBufferPointer<Token>, _ text: UnsafeBufferPointer<UInt8>,
        _ sentiments: UnsafeMutableBufferPointer<Double>
    ) -> SentimentScores {
        let count = tokens.count
        guard count > 0 else { return SentimentScores(compound: 0, positive: 0, negative: 0, neutral: 0) }
        var upper = 0
        for token in tokens where token.isUpper { upper += 1 }
        let isCapDifferent = count - upper > 0 && count - upper < count

        for index in 0..<count {
            let token = tokens[index]
            if token.isBooster || (index < count - 1 && token.word == .kind && tokens[index + 1].word == .of) {
                sentiments[index] = 0
                continue
            }
            sentiments[index] = valence(at: index, tokens, isCapDifferent)
        }
        butCheck(tokens, sentiments)
        return scoreValence(UnsafeMutableBufferPointer(rebasing: sentiments[0..<count]), text)
    }

    /// `sentiment_valence` for the token at `i`.
    @inline(__always)
    private func valence(at i: Int, _ tokens: UnsafeMutableBufferPointer<Token>, _ isCapDifferent: Bool) -> Double {
        let token = tokens[i]
        guard token.inLexicon else { return 0 }
        let count = tokens.count
        func word(_ j: Int) -> VaderWord { tokens[j].word }
        var valence = token.valence
        // "no" before another lexicon word negates that word instead of counting itself.
        if token.word == .no, i != count - 1, tokens[i + 1].inLexicon { valence = 0 }
        if (i > 0 && word(i - 1) == .no) || (i > 1 && word(i - 2) == .no)
            || (i > 2 && word(i - 3) == .no && (word(i - 1) == .or || word(i - 1) == .nor))
        {
            valence = token.valence * VaderRules.negationScalar
        }
        if token.isUpper && isCapDifferent {
            if valence > 0 { valence += VaderRules.capsIncrement } else { valence -= VaderRules.capsIncrement }
        }
        for startI in 0..<3 where i > startI && !tokens[i - (startI + 1)].inLexicon {
            var scalar = scalarIncDec(tokens[i - (startI + 1)], valence, isCapDifferent)
            if startI == 1 && scalar != 0 { scalar = scalar * 0.95 }
            if startI == 2 && scalar != 0 { scalar = scalar * 0.9 }
            valence = valence + scalar
            valence = negationCheck(valence, tokens, startI, i)
            if startI == 2 { valence = specialIdiomsCheck(valence, tokens, i) }
        }
        return leastCheck(valence, tokens, i)
    }

    @inline(__always)
    private func scalarIncDec(_ token: Token, _ valence: Double, _ isCapDifferent: Bool) -> Double {
        guard token.isBooster else { return 0 }
        var scalar = token.booster
        if valence < 0 { scalar *= -1 }
        if token.isUpper && isCapDifferent {
            if valence > 0 { scalar += VaderRules.capsIncrement } else { scalar -= VaderRules.capsIncrement }
        }
        return scalar
    }

    private func negationCheck(_ valence: Double, _ tokens: UnsafeMutableBufferPointer<Token>, _ startI: Int, _ i: Int) -> Double {
        func word(_ j: Int) -> VaderWord { tokens[j].word }
        let scalar = VaderRules.negationScalar
        switch startI {
        case 0:
            return tokens[i - 1].isNegated ? valence * scalar : valence
        case 1:
            if word(i - 2) == .never && (word(i - 1) == .so || word(i - 1) == .this) { return valence * 1.25 }
            if word(i - 2) == .without && word(i - 1) == .doubt { return valence }
            return tokens[i - 2].isNegated ? valence * scalar : valence
        default:
            if (word(i - 3) == .never && (word(i - 2) == .so || word(i - 2) == .this))
                || (word(i - 1) == .so || word(i - 1) == .this)
            {
                return valence * 1.25
            }
            if word(i - 3) == .without && (word(i - 2) == .doubt || word(i - 1) == .doubt) { return valence }
            return tokens[i - 3].isNegated ? valence * scalar : valence
        }
    }

    /// `_special_idioms_check` (only reached with i ≥ 3).
    private func specialIdiomsCheck(_ valence: Double, _ tokens: UnsafeMutableBufferPointer<Token>, _ i: Int) -> Double {
        let count = tokens.count
        let w0 = tokens[i].word
        let w1 = tokens[i - 1].word
        let w2 = tokens[i - 2].word
        let w3 = tokens[i - 3].word
        var valence = valence
        if let value = Self.specialCase(w1, w0) ?? Self.specialCase(w2, w1, w0) ?? Self.specialCase(w2, w1)
            ?? Self.specialCase(w3, w2, w1) ?? Self.specialCase(w3, w2)
        {
            valence = value
        }
        if count - 1 > i, let value = Self.specialCase(w0, tokens[i + 1].word) { valence = value }
        if count - 1 > i + 1, let value = Self.specialCase(w0, tokens[i + 1].word, tokens[i + 2].word) { valence = value }
        // Booster/dampener bigrams ("kind of", "sort of", "just enough").
        if Self.isBoosterBigram(w3, w2) { valence = valence + VaderRules.boosterDecrement }
        if Self.isBoosterBigram(w2, w1) { valence = valence + VaderRules.boosterDecrement }
        return valence
    }

    /// SPECIAL_CASES of two words.
    @inline(__always)
    static func specialCase(_ a: VaderWord, _ b: VaderWord) -> Double? {
        switch (a, b) {
        case (.the, .shit), (.the, .bomb): 3
        case (.bad, .ass): 1.5
        case (.bus, .stop): 0.0
        case (.yeah, .right): -2
        case (.beating, .heart): 3.5
        default: nil
        }
    }

    /// SPECIAL_CASES of three words.
    @inline(__always)
    static func specialCase(_ a: VaderWord, _ b: VaderWord, _ c: VaderWord) -> Double? {
        switch (a, b, c) {
        case (.kiss, .of, .death): -1.5
        case (.to, .die, .for): 3
        default: nil
        }
    }

    /// The two-word keys of BOOSTER_DICT (all dampeners).
    @inline(__always)
    static func isBoosterBigram(_ a: VaderWord, _ b: VaderWord) -> Bool {
        (a == .just && b == .enough) || (a == .kind && b == .of) || (a == .sort && b == .of)
    }

    @inline(__always)
    private func leastCheck(_ valence: Double, _ tokens: UnsafeMutableBufferPointer<Token>, _ i: Int) -> Double {
        if i > 1 && !tokens[i - 1].inLexicon && tokens[i - 1].word == .least {
            let before = tokens[i - 2].word
            return before != .at && before != .very ? valence * VaderRules.negationScalar : valence
        }
        if i > 0 && !tokens[i - 1].inLexicon && tokens[i - 1].word == .least {
            return valence * VaderRules.negationScalar
        }
        return valence
    }

    /// `_but_check`, with its `list.index` lookup: each value is written back to the first
    /// slot holding an equal value, as the Python does.
    private func butCheck(_ tokens: UnsafeMutableBufferPointer<Token>, _ sentiments: UnsafeMutableBufferPointer<Double>) {
        let count = tokens.count
        guard let butIndex = (0..<count).first(where: { tokens[$0].word == .but }) else { return }
        for k in 0..<count {
            let sentiment = sentiments[k]
            var first = 0
            while sentiments[first] != sentiment { first += 1 }
            if first < butIndex {
                sentiments[first] = sentiment * 0.5
            } else if first > butIndex {
                sentiments[first] = sentiment * 1.5
            }
        }
    }

    // MARK: Scores

    private func scoreValence(_ sentiments: UnsafeMutableBufferPointer<Double>, _ text: UnsafeBufferPointer<UInt8>) -> SentimentScores {
        var sum = 0.0
        for sentiment in sentiments { sum += sentiment }
        let emphasis = Self.punctuationEmphasis(text)
        if sum > 0 { sum += emphasis } else if sum < 0 { sum -= emphasis }
        let compound = Self.normalize(sum)

        var positiveSum = 0.0
        var negativeSum = 0.0
        var neutralCount = 0
        for sentiment in sentiments {
            if sentiment > 0 { positiveSum += sentiment + 1 }
            if sentiment < 0 { negativeSum += sentiment - 1 }
            if sentiment == 0 { neutralCount += 1 }
        }
        if positiveSum > abs(negativeSum) {
            positiveSum += emphasis
        } else if positiveSum < abs(negativeSum) {
            negativeSum -= emphasis
        }
        let total = positiveSum + abs(negativeSum) + Double(neutralCount)
        return SentimentScores(
            compound: Self.pythonRound(compound, digits: 4),
            positive: Self.pythonRound(abs(positiveSum / total), digits: 3),
            negative: Self.pythonRound(abs(negativeSum / total), digits: 3),
            neutral: Self.pythonRound(abs(Double(neutralCount) / total), digits: 3)
        )
    }

    /// Emphasis from `!` (up to 4, 0.292 each) and `?` (2–3: 0.18 each; more: 0.96).
    static func punctuationEmphasis(_ text: UnsafeBufferPointer<UInt8>) -> Double {
        let exclamations = count(UInt8(ascii: "!"), in: text)
        let questions = count(UInt8(ascii: "?"), in: text)
        let exclamationEmphasis = Double(min(exclamations, 4)) * 0.292
        var questionEmphasis = 0.0
        if questions > 1 { questionEmphasis = questions <= 3 ? Double(questions) * 0.18 : 0.96 }
        return exclamationEmphasis + questionEmphasis
    }

    /// How many bytes of `text` equal `target`, eight at a time.
    static func count(_ target: UInt8, in text: UnsafeBufferPointer<UInt8>) -> Int {
        guard let base = text.baseAddress else { return 0 }
        let pattern = UInt64(target) &* 0x0101_0101_0101_0101
        let low7: UInt64 = 0x7F7F_7F7F_7F7F_7F7F
        var count = 0
        var index = 0
        while index + 8 <= text.count {
            let word = UnsafeRawPointer(base).loadUnaligned(fromByteOffset: index, as: UInt64.self) ^ pattern
            // High bit of each byte set when that byte is non-zero (exact, no carries across bytes);
            // the zero bytes' bits, moved to the low bit of each byte, summed by one multiply
            // (no popcnt in the x86-64 baseline).
            let nonZero = ((word & low7) &+ low7) | word
            let zeros = (~nonZero & ~low7) >> 7
            count += Int((zeros &* 0x0101_0101_0101_0101) >> 56)
            index += 8
        }
        while index < text.count {
            if text[index] == target { count += 1 }
            index += 1
        }
        return count
    }

    /// s / √(s² + 15), clamped to [-1, 1].
    static func normalize(_ score: Double, alpha: Double = 15) -> Double {
        let normalized = score / (score * score + alpha).squareRoot()
        return min(1, max(-1, normalized))
    }

    /// Python's `round(x, digits)` for 0 ≤ digits ≤ 4: the exact binary value of `x`
    /// rounded to `digits` decimals, ties to even, then the nearest double.
    static func pythonRound(_ x: Double, digits: Int) -> Double {
        let scale = [1.0, 10.0, 100.0, 1000.0, 10000.0][digits]
        let scaled = x * scale
        guard scaled.isFinite, abs(scaled) < 1e15 else { return x }
        // x·scale = scaled + error exactly (the fused multiply-add sees the exact product).
        let error = (-scaled).addingProduct(x, scale)
        let floor = scaled.rounded(.down)
        let aboveHalf = (scaled - floor) - 0.5  // exact: |scaled| < 2^52
        var rounded: Double
        if aboveHalf > -error {
            rounded = floor + 1
        } else if aboveHalf < -error {
            rounded = floor
        } else {
            rounded = floor.truncatingRemainder(dividingBy: 2) == 0 ? floor : floor + 1
        }
        rounded /= scale
        return rounded == 0 && x.sign == .minus ? -0.0 : rounded
    }
}
