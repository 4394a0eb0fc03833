import Diagnostics
import Testing

@Suite("DidYouMean")
struct DidYouMeanTests {
    @Test func adjacentTranspositionIsDistanceOne() {
        #expect(DidYouMean.editDistance("geocdoe", "geocode") == 1)
        #expect(DidYouMean.editDistance("ab", "ba") == 1)
    }

    @Test func editDistanceCountsInsertionsDeletionsAndSubstitutions() {
        #expect(DidYouMean.editDistance("", "abc") == 3)
        #expect(DidYouMean.editDistance("kitten", "sitting") == 3)
        #expect(DidYouMean.editDistance("same", "same") == 0)
    }

    @Test func editDistanceStopsPastTheLimit() {
        #expect(DidYouMean.editDistance("abcdef", "uvwxyz", limit: 2) == 3)
        #expect(DidYouMean.editDistance("a", "abcdef", limit: 2) == 3)
    }

    @Test func missingLetterSuggestsTheAgent() {
        #expect(DidYouMean.suggestion(for: "geocod", among: ["fetch", "geocode", "weather"]) == "geocode")
    }

    @Test func transposedLettersSuggestTheAgent() {
        #expect(DidYouMean.suggestion(for: "wetaher", among: ["fetch", "geocode", "weather"]) == "weather")
    }

    @Test func caseOnlyDifferenceIsSuggested() {
        #expect(DidYouMean.suggestion(for: "Geocode", among: ["geocode"]) == "geocode")
    }

    @Test func farWordsGetNoSuggestion() {
        #expect(DidYouMean.suggestion(for: "temperature", among: ["fetch", "geocode", "weather"]) == nil)
        #expect(DidYouMean.suggestion(for: "xyz", among: ["abc"]) == nil)
    }

    @Test func closestCandidateWinsAndTiesGoToTheEarlier() {
        #expect(DidYouMean.suggestion(for: "geocdoe", among: ["geocoder", "geocode"]) == "geocode")
        #expect(DidYouMean.suggestion(for: "cat", among: ["bat", "hat"]) == "bat")
    }
}
