import EventJSON
import Foundation
import Testing

@testable import Agents

@Suite("sentiment agent (VADER)")
struct SentimentAgentTests {
    struct Case: Sendable, CustomTestStringConvertible {
        var text: String
        var compound: Double
        var positive: Double
        var negative: Double
        var neutral: Double
        var testDescription: String { "\"\(text.prefix(50))\"" }
    }

    /// Reference scores written by Fixtures/generate_vader_expected.py with vaderSentiment 3.3.2.
    static func load(_ name: String) -> [Case] {
        guard let url = Bundle.module.url(forResource: name, withExtension: "json", subdirectory: "Fixtures"),
            let data = try? Data(contentsOf: url),
            let root = try? JSONSerialization.jsonObject(with: data) as? [String: Any],
            let rows = root["cases"] as? [[String: Any]]
        else { return [] }
        return rows.map {
            Case(
                text: $0["text"] as! String, compound: ($0["compound"] as! NSNumber).doubleValue,
                positive: ($0["pos"] as! NSNumber).doubleValue, negative: ($0["neg"] as! NSNumber).doubleValue,
                neutral: ($0["neu"] as! NSNumber).doubleValue
            )
        }
    }

    /// Hand-picked sentences: VADER's demo, reviews, negations, boosters, caps, "but", punctuation.
    static let cases = load("vader_expected")
    /// Seeded random texts dense in rule words.
    static let randomCases = load("vader_random")

    @Test func fixturesAreThere() {
        #expect(Self.cases.count >= 60)
        #expect(Self.randomCases.count == 400)
    }

    @Test(arguments: cases)
    func agreesWithVaderSentiment(_ reference: Case) throws {
        try Self.check(reference)
    }

    @Test func agreesWithVaderSentimentOnRandomTexts() throws {
        for reference in Self.randomCases { try Self.check(reference) }
    }

    static func check(_ reference: Case) throws {
        let scores = try SentimentAgent().score(reference.text)
        let text = reference.text.debugDescription
        #expect(abs(scores.compound - reference.compound) <= 1e-4, "\(text): compound \(scores.compound) vs \(reference.compound)")
        #expect(abs(scores.positive - reference.positive) <= 1e-4, "\(text): pos \(scores.positive) vs \(reference.positive)")
        #expect(abs(scores.negative - reference.negative) <= 1e-4, "\(text): neg \(scores.negative) vs \(reference.negative)")
        #expect(abs(scores.neutral - reference.neutral) <= 1e-4, "\(text): neu \(scores.neutral) vs \(reference.neutral)")
    }

    @Test func resultFields() throws {
        let agent = try SentimentAgent()
        let result = try #require(object(try agent.call(inputs(("text", .string("The book was good."))))))
        #expect(result.keys == ["label", "compound", "positive", "negative", "neutral"])
        #expect(result["label"] == .string("positive"))
        #expect(result["compound"] == .double(0.4404))
        #expect(result["positive"] == .double(0.492))
        #expect(result["negative"] == .double(0))
        #expect(result["neutral"] == .double(0.508))
        #expect(object(try agent.call(inputs(("text", .string("Today SUX!")))))?["label"] == .string("negative"))
        #expect(object(try agent.call(inputs(("text", .string("The package arrived on Tuesday.")))))?["label"] == .string("neutral"))
        let empty = try #require(object(try agent.call(inputs(("text", .string(""))))))
        #expect(empty["label"] == .string("neutral"))
        #expect(empty["compound"] == .double(0))
    }

    @Test func labelThresholds() {
        #expect(SentimentScores(compound: 0.05, positive: 0, negative: 0, neutral: 0).label == "positive")
        #expect(SentimentScores(compound: 0.0499, positive: 0, negative: 0, neutral: 0).label == "neutral")
        #expect(SentimentScores(compound: -0.0499, positive: 0, negative: 0, neutral: 0).label == "neutral")
        #expect(SentimentScores(compound: -0.05, positive: 0, negative: 0, neutral: 0).label == "negative")
    }

    @Test func missingOrWrongInput() throws {
        let agent = try SentimentAgent()
        #expect(try agent.call(JSONObject()) == .emptyObject)
        #expect(try agent.call(inputs(("text", .null))) == .emptyObject)
        #expect(throws: AgentFailure.invalidInput("sentiment input `text` must be a string, got int")) {
            try agent.call(inputs(("text", .int(5))))
        }
    }

    @Test func customLexicon() throws {
        let directory = try TemporaryDirectory()
        defer { directory.cleanUp() }
        let file = try directory.write("lexicon.txt", "snappy\t2.0\t0.5\t[2, 2]\r\nsluggish\t-1.5\r\n\r\n")
        let agent = try SentimentAgent(lexicon: file)
        #expect(agent.lexiconSource == file.path)
        #expect(agent.score("The app is snappy").label == "positive")
        #expect(agent.score("The app is very snappy").compound > agent.score("The app is snappy").compound)
        #expect(agent.score("The app is not snappy").label == "negative")
        #expect(agent.score("The app is sluggish").label == "negative")
        #expect(agent.score("The app is good").label == "neutral")  // not in this lexicon
    }

    @Test func lexiconErrors() throws {
        #expect(throws: AgentLoadError(file: "l.txt", line: 2, "expected `word<TAB>valence`, found no tab")) {
            try SentimentAgent(lexiconText: "good\t1.9\nbad -2.5\n", source: "l.txt")
        }
        #expect(throws: AgentLoadError(file: "l.txt", line: 1, "valence `high` of `good` is not a number")) {
            try SentimentAgent(lexiconText: "good\thigh\n", source: "l.txt")
        }
        #expect(throws: AgentLoadError(file: "l.txt", "holds no lexicon entries")) {
            try SentimentAgent(lexiconText: "\n\n", source: "l.txt")
        }
    }

    @Test func pythonRounding() {
        // Python rounds the exact binary value: 0.125 is a tie (to even); 0.0285 is a bit above, 2.675 a bit below.
        #expect(VaderScorer.pythonRound(0.125, digits: 2) == 0.12)
        #expect(VaderScorer.pythonRound(0.375, digits: 2) == 0.38)
        #expect(VaderScorer.pythonRound(0.0285, digits: 3) == 0.029)
        #expect(VaderScorer.pythonRound(2.675, digits: 2) == 2.67)
        #expect(VaderScorer.pythonRound(0.5, digits: 0) == 0)
        #expect(VaderScorer.pythonRound(-0.00004, digits: 4).sign == .minus)
        #expect(VaderScorer.pythonRound(-0.43215, digits: 4) == -0.4321)  // -0.43215 is just above the tie
        #expect(VaderScorer.pythonRound(0.99995, digits: 4) == 1)
    }

    @Test func countsBytesEightAtATime() {
        for length in 0..<40 {
            for seed in 0..<5 {
                let bytes = (0..<length).map { UInt8(truncatingIfNeeded: ($0 &* 31 &+ seed &* 7) % 5 == 0 ? 33 : 32 + ($0 + seed) % 90) }
                let expected = bytes.filter { $0 == 33 }.count
                bytes.withUnsafeBufferPointer { #expect(VaderScorer.count(33, in: $0) == expected) }
            }
        }
        let all = [UInt8](repeating: UInt8(ascii: "?"), count: 17)
        all.withUnsafeBufferPointer { #expect(VaderScorer.count(UInt8(ascii: "?"), in: $0) == 17) }
    }

    @Test func lexiconTableFindsEveryWord() throws {
        let scorer = try SentimentAgent.builtIn.get()
        #expect(scorer.lexicon.entry(for: "good")?.valence == 1.9)
        #expect(scorer.lexicon.entry(for: "lol")?.valence == 1.8)  // listed twice: the last valence wins
        #expect(scorer.lexicon.entry(for: "kinda")?.flags.contains(.booster) == true)
        #expect(scorer.lexicon.entry(for: "without")?.flags.contains(.negation) == true)
        #expect(scorer.lexicon.entry(for: "least")?.word == .least)
        #expect(scorer.lexicon.entry(for: "notaword") == nil)
        #expect(scorer.lexicon.count > 7_400)
    }
}
