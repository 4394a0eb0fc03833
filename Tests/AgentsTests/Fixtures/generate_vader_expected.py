#!/usr/bin/env python3
"""Writes reference scores from vaderSentiment 3.3.2 for the SentimentAgent agreement
tests (Tests/AgentsTests/SentimentAgentTests.swift):

- vader_expected.json: the hand-picked sentences below (demo sentences, reviews,
  negations, boosters, caps, "but", punctuation, a few emoji and non-ASCII texts);
- vader_random.json: 400 seeded random word salads dense in rule words (negations,
  boosters, idiom words, "but", "least", caps, punctuation), to catch rule-order slips.

    pip install vaderSentiment==3.3.2    # or the wheel: pip install vaderSentiment-3.3.2-py2.py3-none-any.whl
    python3 Tests/AgentsTests/Fixtures/generate_vader_expected.py

Deterministic: the sentences are listed below; the output is sorted as listed.
"""
import json
import os
import random
import sys

from importlib.metadata import version

from vaderSentiment.vaderSentiment import SentimentIntensityAnalyzer

SENTENCES = [
    # The examples from vaderSentiment's own demo
    "VADER is smart, handsome, and funny.",
    "VADER is smart, handsome, and funny!",
    "VADER is very smart, handsome, and funny.",
    "VADER is VERY SMART, handsome, and FUNNY.",
    "VADER is VERY SMART, handsome, and FUNNY!!!",
    "VADER is VERY SMART, uber handsome, and FRIGGIN FUNNY!!!",
    "VADER is not smart, handsome, nor funny.",
    "The book was good.",
    "At least it isn't a horrible book.",
    "The book was only kind of good.",
    "The plot was good, but the characters are uncompelling and the dialog is not great.",
    "Today SUX!",
    "Today only kinda sux! But I'll get by, lol",
    "Make sure you :) or :D today!",
    "Not bad at all",
    "Sentiment analysis has never been good.",
    "Sentiment analysis has never been this good!",
    "Most automated sentiment analysis tools are shit.",
    "With VADER, sentiment analysis is the shit!",
    "Other sentiment analysis tools can be quite bad.",
    "On the other hand, VADER is quite bad ass",
    "VADER is such a badass!",
    "Without a doubt, excellent idea.",
    "Roger Dodger is one of the most compelling variations on this theme.",
    "Roger Dodger is at least compelling as a variation on the theme.",
    "Roger Dodger is one of the least compelling variations on this theme.",
    "Not such a badass after all.",
    "Without a doubt, an excellent idea.",
    # Product reviews and support tickets (what the pipelines score)
    "Great product, fast shipping, would buy again.",
    "The checkout page keeps crashing and support never answered my emails.",
    "I love the new dashboard but the export is painfully slow.",
    "Honestly the worst customer service I have ever dealt with.",
    "It's okay I guess, nothing special.",
    "The package arrived on Tuesday.",
    "Absolutely fantastic experience from start to finish!!",
    "Not great, not terrible.",
    "I don't hate it, but I wouldn't recommend it either.",
    "Why is my order still not here???",
    "Is this the right size?",
    "Thanks so much for the quick refund, really appreciated :)",
    "The app is slightly buggy but mostly fine.",
    "This is NOT what I ordered. Extremely disappointed.",
    "Terrible, terrible, terrible. Never again!!!!!",
    "I was hardly impressed by the so-called premium plan.",
    "The staff were incredibly helpful and the room was spotless.",
    "Meh.",
    "no problems at all, works as advertised",
    "There is no love or joy in this design.",
    "The support agent was kind of rude, sort of dismissive.",
    "Best purchase this year, hands down! 10/10",
    "I can't say I'm happy with the battery life.",
    "Yeah right, like that's going to work.",
    "This blender is to die for.",
    "The delivery was late, the box was damaged, and nobody cared.",
    "Good good good good but bad bad",
    "It works but it is not good and not bad",
    "Love it, but it's not perfect, but still good.",
    "I am NOT HAPPY about this AT ALL!",
    "GREAT JOB EVERYONE",
    "The new feature is a kiss of death for our workflow.",
    "Refund processed without any issues, thank you!",
    "Wow. Just wow. Amazing.",
    "The least helpful answer I have ever received.",
    "Very least helpful, not very good.",
    "never so happy, never this good",
    "It is almost perfect, just enough features.",
    "",
    "!!!",
    "   spaced    out   text   ",
    # Beyond ASCII: emoji replacement, Unicode whitespace and case
    "Catch utf-8 emoji such as 💘 and 💋 and 😁",
    "Service was great👍 thanks",
    "Schöne Grüße, SEHR GUT und wunderbar\u00a0good",
    "ÉNORME problem, but the team was FANTASTIC",
    "line one is good\nline two is bad\tand tabbed",
]


RULE_WORDS = ["no", "or", "nor", "never", "so", "this", "without", "doubt", "least", "at",
              "very", "but", "kind", "of", "the", "shit", "bomb", "bad", "ass", "bus", "stop",
              "yeah", "right", "kiss", "death", "to", "die", "for", "beating", "heart", "just",
              "enough", "sort", "isn't", "don't", "wasn't", "not", "hardly", "kinda", "extremely"]
FILLER = ["the", "a", "product", "it", "was", "is", "and", "I", "we", "service", "today"]
PUNCTUATION = ["", "", "", ",", ".", "!", "?", "!!", "??", "...", ":)", ":-(", "'"]


def random_texts(analyzer, count, seed=3302):
    rng = random.Random(seed)
    lexicon = sorted(analyzer.lexicon)
    texts = []
    for _ in range(count):
        words = []
        for _ in range(rng.randint(1, 16)):
            pool = rng.random()
            word = rng.choice(lexicon if pool < 0.35 else RULE_WORDS if pool < 0.75 else FILLER)
            shape = rng.random()
            if shape < 0.12:
                word = word.upper()
            elif shape < 0.18:
                word = word.capitalize()
            words.append(word + rng.choice(PUNCTUATION))
        texts.append(" ".join(words))
    return texts


def write(name, texts, analyzer):
    rows = []
    for text in texts:
        scores = analyzer.polarity_scores(text)
        rows.append({"text": text, "compound": scores["compound"], "pos": scores["pos"],
                     "neg": scores["neg"], "neu": scores["neu"]})
    out = os.path.join(os.path.dirname(os.path.abspath(__file__)), name)
    with open(out, "w", encoding="utf-8") as handle:
        json.dump({"generator": "vaderSentiment " + version("vaderSentiment"),
                   "cases": rows}, handle, ensure_ascii=False, indent=None if len(rows) > 100 else 1)
        handle.write("\n")
    print(f"wrote {len(rows)} cases to {out}", file=sys.stderr)


def main() -> int:
    analyzer = SentimentIntensityAnalyzer()
    write("vader_expected.json", SENTENCES, analyzer)
    write("vader_random.json", random_texts(analyzer, 400), analyzer)
    return 0


if __name__ == "__main__":
    sys.exit(main())
