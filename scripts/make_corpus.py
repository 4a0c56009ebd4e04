"""Generate Unrolled's built-in English and Chinese corpora from a small seeded grammar.

Run `python scripts/make_corpus.py` from the repository root: it rewrites data/en/*.txt,
data/zh/*.txt and data/long_range.tsv, byte for byte the same on every run (fixed seed).

About a third of the sentences come from "long-range" families: the word at one position (the
dependent word) is decided by a word 5-10 tokens earlier (the cue), and the two words just before
the dependent word never decide it. The tutorial's argument: a 3-gram cannot know who the teacher
criticised, an RNN that remembers who was late can. The other sentences are everyday sentences
from templates with many slot fillers, so the vocabulary reaches a few thousand words.

Text generation uses only the standard library and one `random.Random(SEED)` per language.
Chinese token positions in long_range.tsv come from jieba (the project's Chinese tokenizer).
"""

from __future__ import annotations

import argparse
import string
import sys
from dataclasses import dataclass
from functools import partial
from itertools import chain
from pathlib import Path
from random import Random

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))
from rnn_core.text import tokenize as project_tokenize  # noqa: E402

SEED = 5
TRAIN_SIZE = 60000
VALID_SIZE = 2400
VALID_EVERY = 10  # every 10th sentence of the stream is held out (then deduplicated)
LONG_RANGE_SHARE = 0.75
DISTANCES = range(4, 26)  # tokens from a cue to its dependent word
EVERYDAY_ASIDES = 0.0  # share of inserted clauses that are everyday sentences
COMPOSED = 0.0  # share of a family's phrases composed from the everyday lexicon, not its own lists
OPENINGS = 0.3  # share of long-range sentences that open with an adverbial
DATA_DIR = Path(__file__).resolve().parent.parent / "data"
LANGS = ("en", "zh")

TUTORIAL = {
    "en": (
        "I was late for school yesterday, and the teacher criticised me.",
        "My phone is broken, so I plan to buy a new phone.",
    ),
    "zh": (
        "我昨天上学迟到了，老师批评了我。",
        "我的手机坏了，我打算买一部新手机。",
    ),
}


@dataclass(frozen=True)
class Link:
    """A dependent word and the far-back cue that decides it, as character spans of the text."""

    cue: tuple[int, int]
    dep: tuple[int, int]


@dataclass(frozen=True)
class Sentence:
    """One generated sentence; `family` is "everyday" or the long-range family's name."""

    text: str
    family: str
    links: tuple[Link, ...] = ()


def pick(rng: Random, options):
    """One element of a sequence, or one word of a space-separated string."""
    if isinstance(options, str):
        options = options.split()
    return options[rng.randrange(len(options))]


def composed(rng: Random) -> bool:
    """Whether the next phrase is composed from the everyday lexicon rather than drawn from the
    family's own list; no draw at all while COMPOSED is 0, so that the corpus stays the same."""
    return COMPOSED > 0 and rng.random() < COMPOSED


def word(rng: Random, lang: str, slot: str) -> str:
    """One filler of an everyday lexicon entry."""
    return pick(rng, options(LEXICON[lang][slot]))


def own_or_composed(rng: Random, own, lang: str, forms) -> str:
    """One phrase of the family's own list `own`, or (a COMPOSED share) one of `forms(w)`, the
    phrases built with w(slot), a filler of the everyday lexicon of `lang`."""
    if not composed(rng):
        return pick(rng, own)
    return pick(rng, forms(partial(word, rng, lang)))


def fill(template: str, values: dict[str, str]) -> tuple[str, dict[str, tuple[int, int]]]:
    """Replace {name} fields by values; return the text and each field's character span."""
    parts: list[str] = []
    spans: dict[str, tuple[int, int]] = {}
    length = 0
    for literal, name, _, _ in string.Formatter().parse(template):
        parts.append(literal)
        length += len(literal)
        if name is not None:
            value = values[name]
            spans[name] = (length, length + len(value))
            parts.append(value)
            length += len(value)
    return "".join(parts), spans


def linked(family: str, template: str, values: dict[str, str], links) -> Sentence:
    """Fill a long-range template; `links` pairs field names (cue, dependent)."""
    text, spans = fill(template, values)
    text = text[0].upper() + text[1:]
    return Sentence(text, family, tuple(Link(spans[c], spans[d]) for c, d in links))


# ---------------------------------------------------------------- English long-range families
#
# Each family builds a sentence from parts: an optional opening, the cue clause, up to three
# inserted clauses or adverbials (shared across families, so that what stands between the cue
# and the dependent word varies in kind and length), and the dependent clause, in one of several
# clause orders. The cue always decides the dependent word; the words just before it never do.


@dataclass(frozen=True)
class Who:
    """A person as a sentence names them first (the cue) and refers to them later."""

    subj: str  # I, you, he, Tom
    obj: str  # me, you, him
    poss: str  # my, your, his
    pron: str  # the later subject: I, you, he
    form: str  # verb agreement: "1" I, "2" you, "3" he/she/Tom, "p" we/they


EN_WHO = (
    Who("I", "me", "my", "I", "1"),
    Who("I", "me", "my", "I", "1"),
    Who("I", "me", "my", "I", "1"),
    Who("you", "you", "your", "you", "2"),
    Who("he", "him", "his", "he", "3"),
    Who("she", "her", "her", "she", "3"),
    Who("we", "us", "our", "we", "p"),
    Who("they", "them", "their", "they", "p"),
    *(Who(n, "him", "his", "he", "3") for n in ("Tom", "Mike", "Jack", "Sam", "Ben", "Peter")),
    *(Who(n, "her", "her", "she", "3") for n in ("Anna", "Lucy", "Emma", "Lily", "Kate", "Mary")),
)
WAS = {"1": "was", "2": "were", "3": "was", "p": "were"}
IS = {"1": "am", "2": "are", "3": "is", "p": "are"}
HAVE = {"1": "have", "2": "have", "3": "has", "p": "have"}
# Phrases that end before a verb's base form ("plan to" buy), by verb agreement.
EN_INTEND = {
    form: (
        f"plan{s} to",
        f"plan{s} to",
        f"want{s} to",
        f"need{s} to",
        "decided to",
        f"{IS[form]} going to",
        "will",
        f"{HAVE[form]} to",
        "would like to",
        f"hope{s} to",
    )
    for form, s in (("1", ""), ("2", ""), ("3", "s"), ("p", ""))
}

EN_OPENINGS = (  # any tense
    "well",
    "oh dear",
    "you know",
    "to be honest",
    "sadly",
    "believe it or not",
    "as you know",
    "in short",
    "to tell the truth",
    "believe me",
    "guess what",
    "as usual",
    "by the way",
    "at the end of the day",
)
EN_OPENINGS_PAST = (
    "yesterday",
    "last week",
    "on Monday morning",
    "this morning",
    "last night",
    "two days ago",
    "last winter",
    "on Saturday",
    "last month",
    "one day",
    "the other day",
    "one evening",
    "on the way to school",
    "in the middle of the afternoon",
    "after a long and boring day",
    "during the holidays",
    "on a cold morning",
)
# Inserted clauses and adverbials that name no person, thing, place or weather of any family, in
# the past and in the present tense.
EN_ASIDES_PAST = (
    "and the streets were very busy",
    "and the city was very noisy",
    "although it was only a short way",
    "which was a big surprise",
    "and everybody was already waiting",
    "just before the holidays",
    "in the middle of the week",
    "and the shops were already closed",
    "and the house was very quiet",
    "after a long and busy day",
    "and the clock in the hall said nine",
    "and the whole family was at home",
    "on the first day of the new term",
    "for the second time this month",
    "and there was nothing to do",
    "and the television was on",
    "and dinner was almost ready",
    "when the bell rang",
    "and the road was closed",
    "late in the evening",
    "early in the morning",
    "and the children were playing outside",
    "and the dog was barking",
    "and the music was very loud",
    "while the others were having lunch",
    "at the end of a long week",
    "and that was not the first time",
    "and nobody knew what to do",
    "of course",
    "to be honest",
    "and the whole day went wrong",
    "on the way home",
)
EN_ASIDES_NOW = (
    "and the streets are very busy",
    "and the city is very noisy",
    "although it is only a short way",
    "and everybody is already waiting",
    "just before the holidays",
    "in the middle of the week",
    "and the shops are already closed",
    "and the house is very quiet",
    "and the whole family is at home",
    "and there is nothing to do",
    "and the television is on",
    "and dinner is almost ready",
    "and the road is closed",
    "and the children are playing outside",
    "and the dog is barking",
    "and the music is very loud",
    "and that is not the first time",
    "of course",
    "to be honest",
    "as usual",
    "as you know",
    "which is a pity",
)
EN_LATER = (  # adverbials before a later clause's subject
    "",
    "",
    "",
    "then ",
    "later ",
    "in the end ",
    "after that ",
    "the next day ",
    "an hour later ",
    "of course ",
    "in the evening ",
    "that night ",
    "the next morning ",
    "after a while ",
    "at the weekend ",
    "on the way home ",
    "before bed ",
    "a few minutes later ",
)
EN_SOON = (  # adverbials before a planned action
    "",
    "",
    "",
    "tomorrow ",
    "this weekend ",
    "next week ",
    "on Saturday ",
    "after school ",
    "as soon as possible ",
    "tomorrow morning ",
    "in the afternoon ",
    "next month ",
)


ASIDE_COUNTS = (0, 0, 0, 1, 1, 1, 1, 2, 2, 3)  # how many clauses stand between, drawn evenly


EN_JOINERS = ("and", "and", "but", "because", "while")


def asides(
    rng: Random,
    own: tuple[str, ...] = (),
    past: bool = True,
    banned: frozenset[str] = frozenset(),
) -> str:
    """Zero to three inserted clauses, each led by a comma: the family's own, shared ones, and
    everyday sentences that hold none of the `banned` words (the family's cues and answers), so
    that what stands between varies without end and never decides the dependent word."""
    shared = EN_ASIDES_PAST if past else EN_ASIDES_NOW
    chosen: list[str] = []
    for _ in range(pick(rng, ASIDE_COUNTS)):
        kind = rng.random()
        if kind < EVERYDAY_ASIDES:
            clause = f"{pick(rng, EN_JOINERS)} {everyday_clause(rng, 'en', banned)}"
        else:
            clause = pick(rng, own if own and kind < 0.7 else shared)
        if clause not in chosen:
            chosen.append(clause)
    return "".join(f", {c}" for c in chosen)


def opening(rng: Random, past: bool, share: float | None = None) -> str:
    """An opening adverbial with its comma, or nothing."""
    if rng.random() >= (OPENINGS if share is None else share):
        return ""
    return f"{pick(rng, EN_OPENINGS + (EN_OPENINGS_PAST if past else ()))}, "


def en_join(
    rng: Random,
    first: str,
    second: str,
    conns: tuple[str, ...] = ("so", "so", "and", "and then"),
    leads: tuple[str, ...] = ("because", "because", "since", "as", "when"),
    reverse: bool = True,
    past: bool = True,
    dated: bool = False,
) -> str:
    """Two clauses in one of three orders: 'A, so B', 'Because A, B', 'B because A'.

    The third order puts the dependent clause first; its rows are not long-range cases (the cue
    comes after), but the blank model learns from them that the right side decides too.
    """
    order = rng.random()
    if leads and order < 0.18:
        return f"{pick(rng, leads)} {first}, {second}."
    if reverse and order < 0.26:
        return f"{second} because {first}."
    conn = pick(rng, conns)
    if second.startswith(tuple(EN_LATER[3:])):  # "and then then ..."
        conn = conn.split()[0]
    return f"{opening(rng, past and not dated)}{first}, {conn} {second}."


def en_linked(family: str, text: str, values: dict[str, str], links) -> Sentence:
    """`linked` for a composed English template (first letter upper-case)."""
    return linked(family, text, values, links)


def en_later(rng: Random) -> str:
    """An adverbial before a later clause's subject (with its space), or nothing: from EN_LATER,
    or composed from the everyday lexicon's times, meals, rooms and places."""
    return own_or_composed(
        rng,
        EN_LATER,
        "en",
        lambda w: (
            f"{w('time')} ",
            f"after {w('meal')} ",
            f"before {w('meal')} ",
            f"in the {w('room')} ",
            f"at {w('place')} ",
            f"on the way to {w('place')} ",
            f"at {w('clock')} ",
            f"on {w('day')} ",
            f"in {w('month')} ",
            f"during {w('festival')} ",
            f"{w('ago')} ",
            f"a few {pick(rng, ('minutes', 'hours', 'days'))} later ",
        ),
    )


def en_soon(rng: Random) -> str:
    """An adverbial before a planned action (with its space), or nothing."""
    return own_or_composed(
        rng,
        EN_SOON,
        "en",
        lambda w: (
            f"{w('future')} ",
            f"after {w('meal')} ",
            f"on {w('day')} ",
            f"in {w('month')} ",
            f"before {w('festival')} ",
            f"next {w('season')} ",
        ),
    )


def en_deed(rng: Random, banned: frozenset[str]) -> str:
    """A past-tense verb phrase from the everyday lexicon that holds none of the `banned` tokens."""
    w = partial(word, rng, "en")
    while True:
        deed = pick(
            rng,
            (
                w("did_thing"),
                w("activity"),
                f"{w('vt_past')} the {w('object')}",
                f"{w('vi_past')} {w('prep')} the {w('spot')}",
                f"went to {w('place')}",
                f"had {w('food')} for {w('meal')}",
            ),
        )
        if not banned.intersection(project_tokenize(deed, "en")):
            return deed


EN_LATE_FOR = (
    ("school", "teacher"),
    ("school", "teacher"),
    ("class", "teacher"),
    ("the exam", "teacher"),
    ("the maths lesson", "teacher"),
    ("work", "boss"),
    ("work", "manager"),
    ("the meeting", "manager"),
    ("training", "coach"),
    ("the match", "coach"),
)
EN_WHEN = (
    "",
    "yesterday",
    "this morning",
    "again today",
    "on Monday",
    "last week",
    "twice this week",
    "again",
)
EN_HOW_LATE = ("ten minutes", "half an hour", "a little", "very", "an hour")


def en_late_clause(rng: Random, who: Who, event: str) -> str:
    """'{who} was late for school yesterday' in one of several forms; {who} stays a field."""
    was = WAS[who.form]
    when = pick(rng, EN_WHEN)
    if composed(rng):
        when = pick(rng, (word(rng, "en", "time"), f"on {word(rng, 'en', 'day')}"))
    when = f" {when}" if when else ""
    if composed(rng):
        return pick(
            rng,
            (
                f"{{who}} did not get to {event} on time{when}",
                f"{{who}} came to {event} late{when}",
                f"{{who}} {was} late for {event} {word(rng, 'en', 'ago')}",
                f"{{who}} {pick(rng, ('missed', 'caught'))} the wrong {word(rng, 'en', 'local')} "
                f"and {was} late for {event}",
            ),
        )
    return pick(
        rng,
        (
            f"{{who}} {was} late for {event}{when}",
            f"{{who}} {was} late for {event}{when}",
            f"{{who}} {was} {pick(rng, EN_HOW_LATE)} late for {event}{when}",
            f"{{who}} arrived late for {event}{when}",
            f"{{who}} got up too late and {was} late for {event}{when}",
        ),
    )


def en_late_reasons(who: Who) -> tuple[str, ...]:
    return (
        f"because {who.pron} missed the bus",
        "because the bus was slow",
        "because of the heavy traffic",
        f"because {who.poss} alarm clock did not ring",
        f"because {who.pron} got up too late",
        "because the traffic was terrible",
        f"because {who.pron} could not find {who.poss} shoes",
        f"and {who.pron} ran all the way",
        f"and {who.pron} {WAS[who.form]} very tired",
    )


def en_late(rng: Random) -> Sentence:
    """Who was late decides who is criticised: 'I was late ..., so the teacher criticised me.'"""
    who = pick(rng, EN_WHO)
    event, boss = pick(rng, EN_LATE_FOR)
    if boss == "teacher" and composed(rng):
        event = f"the {word(rng, 'en', 'subject')} {pick(rng, ('lesson', 'class', 'test'))}"
    verb = pick(rng, ("criticised",) * 6 + ("scolded",) * 2 + ("punished",))
    dep = pick(
        rng,
        (
            f"the {boss} {verb} {{whom}}",
            f"{en_later(rng)}the {boss} {verb} {{whom}}",
            f"the {boss} was not happy and {verb} {{whom}}",
            f"the {boss}, who is very strict, {verb} {{whom}}",
            f"the {boss} {verb} {{whom}} again",
        ),
    )
    if composed(rng):
        dep = pick(
            rng,
            (
                f"{en_later(rng)}the {boss} {pick(rng, ('was angry', 'got angry'))} and "
                f"{verb} {{whom}}",
                f"in front of everybody the {boss} {verb} {{whom}}",
                f"the {boss} looked at the clock and {verb} {{whom}}",
                f"the {boss} {word(rng, 'en', 'adverb')} {verb} {{whom}}",
            ),
        )
    first = en_late_clause(rng, who, event) + asides(
        rng, en_late_reasons(who), banned=EN_BANNED["people"]
    )
    values = {"who": who.subj, "whom": who.obj}
    text = en_join(rng, first, dep, reverse=who.subj == who.pron, dated=True)
    return en_linked("late_criticised", text, values, [("who", "whom")])


EN_EXAMS = (
    "the maths exam",
    "the English test",
    "the final exam",
    "the science test",
    "the history test",
    "the music exam",
)


def en_praise(rng: Random) -> Sentence:
    """Who did well decides who is praised."""
    who = pick(rng, EN_WHO)
    exam = pick(rng, EN_EXAMS)
    if composed(rng):
        exam = f"the {word(rng, 'en', 'subject')} {pick(rng, ('test', 'exam'))}"
    first = pick(
        rng,
        (
            f"{{who}} got full marks in {exam}",
            f"{{who}} did very well in {exam}",
            f"{{who}} got the best mark in {exam}",
            f"{{who}} answered every question in {exam} correctly",
        ),
    )
    if composed(rng):
        first = f"{{who}} {en_deed(rng, EN_BANNED['people'])} {word(rng, 'en', 'time')}"
    first += asides(
        rng,
        (
            f"and {who.pron} {WAS[who.form]} very happy",
            "which was not easy",
            "although it was very difficult",
            "at the end of the term",
        ),
        banned=EN_BANNED["people"],
    )
    verb = pick(rng, ("praised", "praised", "praised", "thanked"))
    dep = pick(
        rng,
        (
            f"the teacher {verb} {{whom}}",
            f"{en_later(rng)}the teacher {verb} {{whom}}",
            f"the teacher was very happy and {verb} {{whom}}",
            f"the teacher {verb} {{whom}} at the meeting",
        ),
    )
    values = {"who": who.subj, "whom": who.obj}
    text = en_join(rng, first, dep, reverse=who.subj == who.pron)
    return en_linked("good_praised", text, values, [("who", "whom")])


EN_BROKEN_THINGS = (
    "phone",
    "computer",
    "laptop",
    "bike",
    "watch",
    "camera",
    "umbrella",
    "fridge",
    "television",
    "car",
    "printer",
    "lamp",
    "kettle",
    "radio",
    "guitar",
    "chair",
)
EN_GIVERS = ("my uncle", "my grandmother", "my father", "my aunt", "a friend", "my parents")


EN_OTHERS = (  # someone else's thing: (possessive, object pronoun)
    ("my sister's", "her"),
    ("my brother's", "him"),
    ("my friend's", "him"),
    ("our neighbour's", "her"),
)


def en_broken_clause(rng: Random, thing: str) -> tuple[str, Who, bool]:
    """'my {thing} is broken' in one of several forms ({thing} stays a field): the clause, who
    acts on it next (the owner, or we for a shared or someone else's thing, with `obj` the one
    it is for), and whether it is in the past tense."""
    owner = pick(rng, EN_WHO[:8])
    own, actor = owner.poss, owner
    if rng.random() < 0.15:
        own, for_whom = pick(rng, EN_OTHERS)
        actor = Who("we", for_whom, "our", "we", "p")
        thing_np = "{thing}"
    else:
        thing_np = pick(
            rng,
            (
                "{thing}",
                "{thing}",
                "old {thing}",
                f"{{thing}}, which {pick(rng, EN_GIVERS)} gave {owner.obj} last year,",
                "{thing} that we bought two years ago",
            ),
        )
        actor = Who(owner.subj, "", owner.poss, owner.pron, owner.form)
        if composed(rng):
            thing_np = pick(
                rng,
                (
                    f"{word(rng, 'en', 'adj')} {{thing}}",
                    f"{{thing}} in the {word(rng, 'en', 'room')}",
                    f"{{thing}} from {word(rng, 'en', 'shop')}",
                    f"{word(rng, 'en', 'color')} {{thing}}",
                ),
            )
    if composed(rng):
        w = partial(word, rng, "en")
        broke, past = pick(
            rng,
            (
                (f"broke {w('time')}", True),
                (f"stopped working {w('ago')}", True),
                (f"was damaged {w('time')}", True),
                ("got wet and stopped working", True),
                ("is not working", False),
                ("will not turn on", False),
                ("is out of order", False),
                ("has stopped working", False),
                (f"{pick(rng, ('is', 'has been'))} broken since {w('day')}", False),
            ),
        )
        return f"{own} {thing_np} {broke}", actor, past
    broke = pick(
        rng,
        (
            "is broken",
            "was broken",
            "broke last week",
            "broke this morning",
            "stopped working yesterday",
            "stopped working",
            "is broken again",
            "does not work any more",
            "fell on the floor and broke",
        ),
    )
    return f"{own} {thing_np} {broke}", actor, not broke.startswith(("is", "does"))


EN_BROKEN_ASIDES = (
    "and nobody can repair it",
    "and the repair shop cannot fix it",
    "because it was very old",
    "after many years",
    "and it cannot be repaired",
    "which is a pity",
    "and we were all very sad",
)


def en_broken_buy(rng: Random) -> Sentence:
    """What is broken decides what is bought: 'My phone is broken, so I plan to buy a new phone.'"""
    thing = pick(rng, EN_BROKEN_THINGS)
    first, actor, past = en_broken_clause(rng, thing)
    first += asides(rng, EN_BROKEN_ASIDES, past, banned=EN_BANNED["objects"])
    buyer, for_whom = actor.subj, f" {actor.obj}" if actor.obj else ""
    if actor.form == "1" and rng.random() < 0.25:
        buyer, for_whom = pick(rng, ("my mother", "my father", "my parents")), " me"
    form = "p" if buyer == "my parents" else "3" if buyer.startswith("my ") else actor.form
    intend = pick(rng, EN_INTEND[form])
    buy = pick(rng, ("buy",) * 8 + ("get", "order"))
    adj = pick(rng, ("new", "new", "new", "new", "cheaper", "better", "small"))
    soon = en_soon(rng)
    dep = pick(
        rng,
        (
            f"{soon}{buyer} {intend} {buy}{for_whom} a {adj} {{thing2}}",
            f"{soon}{buyer} {intend} {buy}{for_whom} a {adj} {{thing2}}",
            f"{buyer} bought{for_whom} a {adj} {{thing2}} {pick(rng, ('the next day', 'at once', 'online'))}",
            f"{buyer} went to the shop and bought{for_whom} a {adj} {{thing2}}",
            f"{soon}{buyer} will buy{for_whom} a new {{thing2}}",
            f"{soon}{buyer} {intend} go to the shop and {buy}{for_whom} a new {{thing2}}",
        ),
    )
    if not for_whom and rng.random() < 0.15:
        dep = f"{actor.pron} need{'s' if actor.form == '3' else ''} a {adj} {{thing2}}"
    if composed(rng):
        shop, adj = word(rng, "en", "shop"), word(rng, "en", "nice")
        dep = pick(
            rng,
            (
                f"{soon}{buyer} {intend} go to {shop} to {buy}{for_whom} a {adj} {{thing2}}",
                f"{en_later(rng)}{buyer} went to {shop} and bought{for_whom} a {adj} {{thing2}}",
                f"{en_later(rng)}{buyer} ordered{for_whom} a {adj} {{thing2}}",
                f"{soon}{buyer} {intend} find{for_whom} a {adj} {{thing2}}",
                f"{buyer} {intend} save money for a {adj} {{thing2}}",
                f"{soon}{buyer} will {buy}{for_whom} a {adj} {{thing2}} at {shop}",
            ),
        )
    values = {"thing": thing, "thing2": thing}
    text = en_join(rng, first, dep, past=past, dated=True)
    return en_linked("broken_buy", text, values, [("thing", "thing2")])


EN_HELPERS = (
    "my father",
    "my mother",
    "my uncle",
    "my brother",
    "Grandpa",
    "the man at the repair shop",
    "our neighbour",
    "I",
    "we",
)


def en_repair(rng: Random) -> Sentence:
    """What is broken decides what is repaired."""
    thing = pick(rng, EN_BROKEN_THINGS)
    first, _, past = en_broken_clause(rng, thing)
    first += asides(
        rng,
        ("and we could not use it",) if past else ("but it is not very old",),
        past,
        banned=EN_BANNED["objects"],
    )
    helper = pick(rng, EN_HELPERS)
    when = pick(rng, ("", "", " on Saturday", " this weekend", " after school", " in ten minutes"))
    if composed(rng):
        helper = pick(rng, (f"my {word(rng, 'en', 'rel')}", word(rng, "en", "name")))
        when = f" {en_soon(rng).strip()}".rstrip()
    form = "1" if helper == "I" else "p" if helper == "we" else "3"
    dep = pick(
        rng,
        (
            f"{en_later(rng)}{helper} repaired the {{thing2}}{when}",
            f"{helper} fixed the {{thing2}}{when}",
            f"{helper} took the {{thing2}} to the repair shop{when}",
            f"{helper} will repair the {{thing2}}{when}",
            f"{helper} tried to repair the {{thing2}}",
            f"{helper} {pick(rng, EN_INTEND[form])} repair the {{thing2}}{when}",
            f"{helper} {pick(rng, EN_INTEND[form])} take the {{thing2}} to the repair shop",
        ),
    )
    if composed(rng):
        dep = pick(
            rng,
            (
                f"{en_later(rng)}{helper} {pick(rng, ('looked at', 'checked', 'fixed'))} "
                f"the {{thing2}}",
                f"{helper} {pick(rng, EN_INTEND[form])} fix the {{thing2}}{when}",
                f"{helper} {word(rng, 'en', 'adverb')} repaired the {{thing2}}",
                f"{helper} took the {{thing2}} to {word(rng, 'en', 'shop')}{when}",
            ),
        )
    values = {"thing": thing, "thing2": thing}
    text = en_join(rng, first, dep, past=past, dated=True)
    return en_linked("broken_repair", text, values, [("thing", "thing2")])


EN_LOST = (
    "key",
    "wallet",
    "umbrella",
    "ticket",
    "passport",
    "hat",
    "scarf",
    "notebook",
    "schoolbag",
    "watch",
    "pen",
    "glasses",
)
EN_WHERE_LOST = (
    "on the bus",
    "at school",
    "in the park",
    "at the station",
    "at the airport",
    "in the shop",
    "at the cinema",
    "on the way home",
)
EN_SPOTS = (
    "under the sofa",
    "in my coat",
    "behind the door",
    "in the car",
    "under the bed",
    "in the garden",
    "on the bus",
    "in the kitchen",
)
EN_FINDERS = (
    "my mother",
    "my sister",
    "my brother",
    "the teacher",
    "our neighbour",
    "my father",
)


def en_lost(rng: Random) -> Sentence:
    """What was lost decides what is finally found."""
    who = pick(rng, EN_WHO)
    where = pick(rng, EN_WHERE_LOST)
    w = partial(word, rng, "en")
    if composed(rng):
        where = pick(
            rng,
            (f"at {w('place')}", f"in the {w('room')}", f"on the {w('transport')}"),
        )
    first = pick(
        rng,
        (
            f"{{who}} lost {who.poss} {{thing}} {where}",
            f"{{who}} lost {who.poss} {{thing}} {where}",
            f"{{who}} could not find {who.poss} {{thing}}",
            f"{{who}} left {who.poss} {{thing}} {where}",
            f"{who.poss} {{thing}} was missing",
            f"{{who}} lost {who.poss} new {{thing}} {where}",
        ),
    )
    if composed(rng):
        first = pick(
            rng,
            (
                f"{{who}} dropped {who.poss} {{thing}} {where}",
                f"{{who}} forgot {who.poss} {{thing}} {where} {w('time')}",
                f"{{who}} looked for {who.poss} {{thing}} {w('duration')}",
                f"{who.poss} {w('adj')} {{thing}} disappeared {w('time')}",
                f"{{who}} put {who.poss} {{thing}} somewhere {where} and forgot it",
            ),
        )
    first += asides(
        rng,
        (
            f"and {who.pron} looked for it everywhere",
            f"and {who.pron} {WAS[who.form]} very worried",
            "after looking for an hour",
            "and nobody could help",
        ),
        banned=EN_BANNED["objects"],
    )
    spot = pick(rng, EN_SPOTS)
    finder = pick(rng, (*EN_FINDERS, who.pron, who.pron))
    if composed(rng):
        spot = pick(
            rng,
            (
                f"under the {w('furniture')}",
                f"in the {w('room')}",
                f"at {w('place')}",
                f"next to the {w('object')}",
                f"behind the {w('object')}",
            ),
        )
        finder = pick(rng, (f"my {w('rel')}", w("name"), who.pron))
    dep = pick(
        rng,
        (
            f"{en_later(rng)}{finder} found the {{thing2}} {spot}",
            f"{finder} finally found the {{thing2}} {spot}",
            f"{finder} found the {{thing2}}",
            f"after an hour {finder} found the {{thing2}} {spot}",
            f"{finder} gave the {{thing2}} back",
        ),
    )
    if composed(rng):
        dep = pick(
            rng,
            (
                f"{en_later(rng)}{finder} saw the {{thing2}} {spot}",
                f"{finder} brought the {{thing2}} back {w('time')}",
                f"{en_later(rng)}{finder} found the {{thing2}} {spot}",
                f"{finder} {w('adverb')} found the {{thing2}}",
            ),
        )
    thing = pick(rng, EN_LOST)
    values = {"who": who.subj, "thing": thing, "thing2": thing}
    text = en_join(rng, first, dep, ("and", "but", "and", "so"), ("when", "after"), False)
    return en_linked("lost_found", text, values, [("thing", "thing2")])


EN_WEATHER = (  # cue forms, verb, item
    (("raining", "raining hard", "raining heavily"), "take", "umbrella"),
    (("snowing", "snowing heavily"), "wear", "boots"),
    (("cold", "very cold", "so cold"), "wear", "coat"),
    (("sunny", "very sunny"), "bring", "sunglasses"),
    (("windy", "very windy"), "wear", "scarf"),
)


def en_weather(rng: Random) -> Sentence:
    """The weather decides what to take or wear: 'It is raining ..., so remember to take ...'"""
    forms, verb, item = pick(rng, EN_WEATHER)
    form = pick(rng, forms)
    weather = form.split()[-1] if form.split()[0] in ("very", "so") else form.split()[0]
    how = form.replace(weather, "{weather}")
    when = pick(rng, ("", " today", " this morning", " this afternoon", " outside", " in the city"))
    if composed(rng):
        when = f" {pick(rng, ('in', 'near'))} {word(rng, 'en', pick(rng, ('city', 'place')))}"
    first = pick(
        rng,
        (
            f"it is {how}{when}",
            f"it is {how}{when}",
            f"it is {how}{when}",
            f"it has been {how} all day",
        ),
    ) + asides(
        rng,
        ("and the streets are empty", "and the traffic is slow"),
        past=False,
        banned=EN_BANNED["weather"],
    )
    dep = pick(
        rng,
        (
            "remember to {verb} your {item}",
            "do not forget to {verb} your {item}",
            "you should {verb} your {item}",
            "before you go out, remember to {verb} your {item}",
            "it is a good idea to {verb} your {item}",
        ),
    )
    if composed(rng):
        dep = pick(
            rng,
            (
                f"when you go to {word(rng, 'en', 'place')}, remember to {{verb}} your {{item}}",
                f"{en_later(rng)}everybody should {{verb}} their {{item}}",
                "you will need to {verb} your {item}",
                f"{word(rng, 'en', 'name')}, please {{verb}} your {{item}}",
            ),
        )
    values = {"weather": weather, "verb": verb, "item": item}
    text = en_join(rng, first, dep, ("so",), past=False)
    return en_linked("weather_item", text, values, [("weather", "verb"), ("weather", "item")])


EN_STATES = (  # state, what one does, what follows
    ("hungry", "ate", ("two bowls of rice", "a big sandwich", "three apples")),
    ("thirsty", "drank", ("a big glass of water", "two cups of tea", "a bottle of juice")),
    ("tired", "slept", ("for three hours", "until dinner", "for ten hours")),
    ("dirty", "washed", ("{poss} face and hands", "{poss} hands")),
    ("cold", "put", ("on a warm sweater", "on a thick coat")),
)
EN_AFTER = (
    "after school",
    "after the football match",
    "after the long walk",
    "after the trip",
    "after playing in the garden",
    "after running in the park",
    "after a long day at work",
    "after the swimming lesson",
)


def en_state(rng: Random) -> Sentence:
    """How one feels decides what one does first: 'hungry ... ate', 'thirsty ... drank'."""
    state, act, rests = pick(rng, EN_STATES)
    who = pick(rng, EN_WHO)
    was, pron = WAS[who.form], who.pron
    rest = pick(rng, rests).format(poss=who.poss)
    very = pick(rng, ("very", "so", "really", "terribly"))
    after = pick(rng, EN_AFTER)
    if composed(rng):
        w = partial(word, rng, "en")
        after = pick(
            rng,
            (
                f"after playing {w('sport')}",
                f"after going {w('go')}",
                f"after a day at {w('place')}",
                f"after the trip to {w('city')}",
                f"after {w('hobby')} {w('duration')}",
            ),
        )
    first = pick(
        rng,
        (
            f"{{who}} {was} {very} {{state}} {after}",
            f"{{who}} {was} {very} {{state}} {after}",
            f"{after} {{who}} {was} {very} {{state}}",
            f"{{who}} felt {very} {{state}} {after}",
        ),
    ) + asides(
        rng,
        (f"and {pron} did not want to talk", "and the way home was long"),
        banned=EN_BANNED["state"],
    )
    dep = pick(
        rng,
        (
            f"when {pron} got home {pron} {{act}} {rest}",
            f"{pron} sat down and {{act}} {rest}",
            f"back at home {pron} quickly {{act}} {rest}",
            f"{pron} {{act}} {rest} before dinner",
            f"{pron} {{act}} {rest} first",
            f"{en_later(rng)}{pron} {{act}} {rest}",
        ),
    )
    if composed(rng):
        dep = pick(
            rng,
            (
                f"{en_later(rng)}{pron} {{act}} {rest}",
                f"{pron} went to the {word(rng, 'en', 'room')} and {{act}} {rest}",
                f"as soon as {pron} got home, {pron} {{act}} {rest}",
                f"{pron} {word(rng, 'en', 'adverb')} {{act}} {rest}",
            ),
        )
    values = {"who": who.subj, "state": state, "act": act}
    text = en_join(rng, first, dep, reverse=False)
    return en_linked("state_action", text, values, [("state", "act")])


EN_CITIES = ("Beijing", "Shanghai", "London", "Paris", "Tokyo", "Sydney", "Berlin", "Chengdu")
EN_FAMILY = (
    ("grandmother", "she"),
    ("grandfather", "he"),
    ("aunt", "she"),
    ("uncle", "he"),
    ("cousin", "she"),
    ("grandma", "she"),
)
EN_TRAVEL = (  # we ..., my family ..., we will ...
    ("take the train", "takes the train", "take the train"),
    ("fly", "flies", "fly"),
    ("go by bus", "goes by bus", "go by bus"),
    ("drive", "drives", "drive"),
    ("travel", "travels", "travel"),
)


def en_city(rng: Random) -> Sentence:
    """Where a relative lives decides where we travel."""
    rel, pron = pick(rng, EN_FAMILY)
    first = pick(
        rng,
        (
            f"my {rel} lives in {{city}}",
            f"my {rel} lives in {{city}}",
            f"my {rel} moved to {{city}} last year",
            f"my {rel} works in {{city}}",
        ),
    )
    if composed(rng):
        lives = ("has lived in", "studies in", "has a small flat in", "was born in", "teaches in")
        first = pick(
            rng,
            (
                f"my {rel} {pick(rng, lives)} {{city}}",
                f"my {rel}, who {word(rng, 'en', 'present_do')}, lives in {{city}}",
                f"my {rel} moved to {{city}} {word(rng, 'en', 'ago')}",
            ),
        )
    first += asides(
        rng,
        (
            f"and {pron} loves cooking",
            f"and {pron} often calls us",
            f"and {pron} is over seventy",
            "in the north of the country",
        ),
        past=False,
        banned=EN_BANNED["city"],
    )
    we, family, will = pick(rng, EN_TRAVEL)
    when = pick(rng, ("every summer", "every winter", "in the holidays", "this summer", "often"))
    dep = pick(
        rng,
        (
            f"{when} we {we} to {{city2}}",
            f"{when} my family {family} to {{city2}}",
            f"we {will} to {{city2}} {when}",
            f"{when} we will {will} to {{city2}}",
            f"{when} my parents and I {we} to {{city2}}",
            f"we {pick(rng, EN_INTEND['p'])} {will} to {{city2}}",
        ),
    )
    if composed(rng):
        w = partial(word, rng, "en")
        when = pick(
            rng,
            (f"every {w('season')}", f"during {w('festival')}", f"in {w('month')}", w("future")),
        )
        dep = pick(
            rng,
            (
                f"{when} we {we} to {{city2}}",
                f"{when} we will visit {{city2}}",
                f"{when} my {pick(rng, ('parents', 'brother', 'sister'))} and I {we} to {{city2}}",
                f"we {pick(rng, EN_INTEND['p'])} visit {{city2}} {when}",
                f"{when} we {pick(rng, ('always', 'usually', 'often'))} {we} to {{city2}}",
                f"{when} we will travel by {w('transport')} to {{city2}}",
            ),
        )
    city = pick(rng, EN_CITIES)
    values = {"city": city, "city2": city}
    text = en_join(rng, first, dep, past=False)
    return en_linked("city_travel", text, values, [("city", "city2")])


EN_RELATIVES = (
    ("father", "he"),
    ("grandfather", "he"),
    ("uncle", "he"),
    ("brother", "he"),
    ("mother", "she"),
    ("grandmother", "she"),
    ("aunt", "she"),
    ("sister", "she"),
)


def en_relative(rng: Random) -> Sentence:
    """Which relative came decides he or she."""
    rel, pron = pick(rng, EN_RELATIVES)
    first = pick(
        rng,
        (
            "my {rel} came to visit us last weekend",
            "my {rel} came home late last night",
            "my {rel} called me yesterday evening",
            "my {rel} went to the market this morning",
            "my {rel} cooked dinner for us on Sunday",
            "my {rel} came back from Beijing yesterday",
            "my {rel} was at home all day",
        ),
    )
    if composed(rng):
        first = f"my {{rel}} {en_deed(rng, EN_BANNED['relative'])} {word(rng, 'en', 'time')}"
    first += asides(rng, banned=EN_BANNED["relative"])
    did = pick(
        rng,
        (
            "brought us a lot of fruit",
            "looked very happy",
            "told us a funny story",
            "forgot to bring the keys",
            "was very tired",
            "went to bed early",
        ),
    )
    dep = pick(
        rng,
        (
            f"{{pron}} {did}",
            f"{en_later(rng)}{{pron}} {did}",
            f"in the evening {{pron}} {did}",
        ),
    )
    if composed(rng):
        dep = f"{en_later(rng)}{{pron}} {en_deed(rng, EN_BANNED['relative'])}"
    values = {"rel": rel, "pron": pron}
    text = en_join(rng, first, dep, ("and", "and", "but", "so"), (), False, dated=True)
    return en_linked("relative_pronoun", text, values, [("rel", "pron")])


EN_FAMILIES = (
    (en_late, 4),
    (en_praise, 2),
    (en_broken_buy, 4),
    (en_repair, 2),
    (en_lost, 2),
    (en_weather, 2),
    (en_state, 2),
    (en_city, 2),
    (en_relative, 2),
)


# ---------------------------------------------------------------- English everyday sentences

EN_LEX = {
    "name": "Tom Anna Mike Lucy Jack Emma Sam Lily Ben Mary David Sarah Peter Kate Leo Amy Max "
    "Linda Daniel Grace Alice Henry Sophie Oliver Chloe Jim Rose Frank Helen Bob "
    "Harry Olivia George Ella Jacob Ruby Noah Mia Adam Zoe",
    "rel": "mother father brother sister grandmother grandfather uncle aunt cousin mum dad grandma "
    "grandpa neighbour friend teacher",
    "food": "rice noodles bread soup dumplings eggs fish chicken beef pork tofu salad cake pizza "
    "sandwiches apples bananas oranges grapes strawberries watermelon pears peaches "
    "tomatoes potatoes carrots cabbage cucumbers mushrooms biscuits cookies chocolate "
    "yogurt cheese porridge pancakes hamburgers sausages vegetables beans peanuts lemons "
    "mangoes cherries onions spinach corn pumpkin lamb shrimps honey jam butter "
    "garlic peppers pineapple coconut plums melons nuts crisps muffins omelette curry "
    "steak duck crabs kiwis",
    "drink": "tea|coffee|milk|water|juice|lemonade|cola|hot chocolate|orange juice|green tea",
    "meal": "breakfast lunch dinner",
    "place": "the park|the library|the supermarket|the cinema|the hospital|the station|the airport|"
    "the museum|the zoo|the beach|the market|the bank|the post office|the restaurant|"
    "the bookshop|the swimming pool|the playground|the gym|the office|the garden|"
    "the bakery|the pharmacy|the hotel|the village|the river|the lake|the countryside|"
    "the stadium|the square|the church|the farm|the factory|the theatre|the castle",
    "city": "Beijing Shanghai London Paris Tokyo Sydney Berlin Rome Chengdu Hangzhou Guangzhou "
    "Nanjing Madrid Moscow Toronto Vienna Dublin Seoul Cairo Boston",
    "country": "China Japan France England Italy Spain Canada Australia Germany Korea Thailand "
    "Egypt Brazil India Mexico Greece Norway Kenya Peru Vietnam",
    "job": "doctor nurse teacher driver cook farmer engineer writer singer painter pilot dentist "
    "lawyer scientist shopkeeper waiter artist actor policeman postman soldier reporter "
    "baker builder cleaner musician photographer professor firefighter fisherman "
    "mechanic designer librarian gardener guide architect",
    "subject": "maths English Chinese history geography physics chemistry biology music art "
    "science",
    "sport": "football|basketball|tennis|badminton|volleyball|baseball|golf|hockey|table tennis",
    "go": "hiking skiing camping fishing swimming cycling skating shopping running climbing",
    "hobby": "reading|drawing|singing|dancing|painting|cooking|fishing|gardening|knitting|"
    "photography|playing chess|writing stories|collecting stamps|watching films",
    "animal": "cat dog rabbit horse cow sheep pig duck bird panda tiger lion monkey elephant "
    "giraffe mouse bear snake goat frog parrot kangaroo dolphin wolf fox squirrel "
    "turtle hamster goldfish owl penguin zebra camel deer swan bee butterfly spider "
    "whale shark",
    "color": "red blue green yellow black white brown pink purple grey",
    "clothes": "coat|jacket|shirt|skirt|dress|sweater|hat|scarf|cap|uniform|blouse|raincoat|"
    "pair of shoes|pair of boots|pair of jeans|pair of gloves|pair of socks|"
    "pair of trousers",
    "thing": "pen pencil notebook book ruler eraser schoolbag dictionary map clock lamp cup bottle "
    "box key wallet ticket letter camera phone computer watch bike umbrella chair desk "
    "table bed sofa mirror kettle fridge television radio guitar piano ball kite doll "
    "toy bowl plate spoon knife fork basket backpack calendar candle blanket pillow "
    "towel suitcase magazine newspaper envelope stamp torch hammer ladder bucket brush "
    "comb purse necklace ring bracelet tent compass helmet globe vase",
    "adj": "new old big small cheap expensive beautiful heavy light clean dirty useful strange "
    "lovely nice modern simple tiny huge colourful",
    "weather": "sunny cloudy rainy windy snowy foggy cold hot warm cool",
    "day": "Monday Tuesday Wednesday Thursday Friday Saturday Sunday",
    "month": "January February March April May June July August September October November "
    "December",
    "season": "spring summer autumn winter",
    "time": "yesterday|today|this morning|this afternoon|this evening|last night|last week|"
    "last weekend|on Sunday|on Saturday|last month|two days ago",
    "future": "tomorrow|next week|this weekend|on Friday|next month|tomorrow morning",
    "feeling": "happy sad tired hungry thirsty angry worried excited bored nervous surprised "
    "sleepy proud lonely",
    "transport": "bus train taxi plane subway bike boat car",
    "local": "bus taxi subway bike car",
    "soon": "tomorrow|on Friday|tomorrow morning|this evening|on Monday",
    "nice": "new cheap expensive beautiful small big lovely nice modern simple colourful tiny",
    "illness": "a headache|a cold|a fever|a stomach ache|a toothache|a sore throat|a bad cough",
    "done": "cleaned the kitchen|did the homework|watched a film|read a story|played cards|"
    "made dumplings|baked a cake|painted the fence|washed the car|wrote letters|"
    "listened to music|played computer games|tidied the bedroom|fed the cat",
    "number": "two three four five six seven eight nine ten twelve fifteen twenty thirty fifty",
    "hour": "six|seven|eight|nine|half past six|half past seven|a quarter past eight|ten",
    "topic": "animals|space|history|dinosaurs|computers|cooking|music|plants|robots|birds|"
    "volcanoes|oceans|the sea|the moon|ancient China",
    "instrument": "piano guitar violin drums flute trumpet cello clarinet saxophone harp",
    "furniture": "table bed sofa chair desk tree car",
    "appliance": "light lights television computer radio heater fan",
    "shop": "the supermarket|the market|a small shop|the department store|the shop near school|"
    "an online shop|the corner shop",
    "reason": "it was raining|the bus was late|the shop was closed|the film was boring|"
    "the exam was difficult|the soup was too salty|the road was busy|"
    "the room was too hot|nobody answered the phone|the library was full",
}
EN_TEMPLATES = (
    "{name} usually has {food} for {meal}.",
    "{name} likes {food} but does not like {food2}.",
    "my {rel} bought some {food} at the market {time}.",
    "we had {food} and {food2} for {meal} {time}.",
    "it was {weather} {time}, so we stayed at home and {done}.",
    "it will be {weather} and {weather2} {future}.",
    "the weather in {city} is usually {weather} in {season}.",
    "my {rel} is {a_job} and works in {city}.",
    "{name} is good at {subject} but not very good at {subject2}.",
    "our {subject} teacher gave us a lot of homework {time}.",
    "after school, {name} and {name2} played {sport} in the park.",
    "I went to {place} by {local} {time}.",
    "{name} has {a_animal} and {a_animal2} at home.",
    "my {rel} gave me {a_color} {clothes} for my birthday.",
    "{name} felt {feeling} because {reason}.",
    "we are going to travel to {country} by {transport} this {season}.",
    "how much is this {thing}?",
    "this {thing} costs {number} yuan, and that one costs {number2} yuan.",
    "{name} bought {a_nice} {thing} at {shop} {time}.",
    "could you help me carry this {thing}, please?",
    "I think I left my {thing} at {place}.",
    "{name} had {illness} and did not go to school {time}.",
    "the doctor told {name} to drink more water and rest at home.",
    "my {rel} is cooking {food} in the kitchen.",
    "there is {a_animal} in the garden.",
    "I usually get up at {hour} and go to school at {hour2}.",
    "the {thing} on the table belongs to my {rel}.",
    "my favourite food is {food}, and my favourite drink is {drink}.",
    "my favourite sport is {sport}.",
    "my favourite subject is {subject} because the teacher is {adj}.",
    "{season} is my favourite season because it is {weather}.",
    "{name} is taller than {name2}, but {name3} is the tallest.",
    "please turn off the {appliance} before you go to bed.",
    "{name} is reading a book about {topic} in the library.",
    "{name} wants to be {a_job} in the future.",
    "my {rel} drinks {drink} every morning.",
    "the train to {city} leaves at {hour} {soon}.",
    "we stayed in a small hotel near {place} for {number} days.",
    "{name} plays the {instrument} very well.",
    "in {season} we often go {go} in the mountains.",
    "would you like some {drink}?",
    "do you want some {food} or some {food2}?",
    "it takes {number} minutes to walk from my home to {place}.",
    "the {animal} is sleeping under the {furniture}.",
    "our class will visit {place} next {day}.",
    "{name} was born in {city} in {month}.",
    "{name} and {name2} went {go} {time}.",
    "my {rel} enjoys {hobby} in the evening.",
    "I saw {a_animal} at the zoo {time}.",
    "{name} lost {a_thing} on the way to {place}.",
    "the shop sells {food} and {food2}, but it does not sell {drink}.",
    "we have a {subject} lesson every {day}.",
    "it is {weather} in {city} {future}, and it will be {weather2} in {city2}.",
    "my {rel} is {feeling} because {reason}.",
    "the {thing} is {color} and very {adj}.",
    "{name} wrote a letter to {name2} {time}.",
    "I met {name} at {place} {time}.",
    "there are {number} students in our class.",
    "the {adj} {thing} is in the {color} box.",
    "{name} usually goes to school by {transport}, but {time} {name2} went by {transport2}.",
    "my {rel} likes {hobby}, and my {rel2} likes {hobby2}.",
    "{name} called {name2} and asked about the {subject} homework.",
    "we had a picnic at {place} and ate {food} and {food2}.",
    "the {job} works from {hour} to {hour2} every day.",
    "{name} found {a_thing} under the {furniture}.",
    "there is {a_adj} {place_word} near my home.",
    "in {month} it is often {weather} in {country}.",
    "{name} cannot find the {thing} anywhere.",
    "the children are playing {sport} in the rain.",
)
EN_LEX["place_word"] = (
    "park library supermarket cinema hospital station museum zoo market bank "
    "restaurant bookshop playground gym bakery pharmacy hotel"
)

EN_LEX.update(
    {
        "activity": "visited an old castle|climbed a tall tree|repaired the roof|planted some flowers|"
        "caught a big fish|painted a picture of the sea|built a snowman|flew a kite|"
        "rode a horse|sang a song at the party|danced with friends|cooked a big dinner|"
        "lost a football match|won a prize|learned a new word|borrowed three books|"
        "returned the books|wrote a short poem|made a paper boat|fixed the fence|"
        "cleaned the windows|washed the dog|picked some apples|"
        "collected shells on the beach|"
        "fed the ducks in the lake|took photos of the sunset|practised the piano|"
        "joined the chess club|helped an old man cross the road|sent a postcard|"
        "opened a bank account|moved to a new flat|met an old friend|climbed a mountain|"
        "swam across the river|watched the stars|listened to the radio|ran five kilometres|"
        "visited a museum|invited friends for dinner|decorated the classroom",
        "hope": "learn to swim|write a book|open a small restaurant|travel around the world|"
        "learn to drive|become a famous singer|live by the sea|build a house|speak French|"
        "keep a dog|study abroad|climb a high mountain|grow vegetables|run a marathon",
        "char": "kind friendly shy funny clever lazy polite brave honest careful patient generous "
        "quiet noisy strict gentle cheerful hardworking",
        "room": "kitchen|bathroom|bedroom|living room|balcony|garage|classroom|hall",
        "chore": "wash the dishes|sweep the floor|take out the rubbish|water the plants|walk the dog|"
        "make the bed|hang out the washing|cook dinner|feed the fish|iron the shirts|"
        "empty the bin|wipe the table",
        "festival": "the Spring Festival|Christmas|the Mid-Autumn Festival|New Year|Easter|"
        "the Dragon Boat Festival|Halloween|the Lantern Festival",
        "nature": "flowers|trees|mountains|stars|birds|clouds|the river|the waves|the hills|"
        "a rainbow|the moon|the fields",
        "body": "head arm leg back foot hand knee shoulder neck stomach tooth ear finger",
    }
)
EN_TEMPLATES += (
    "{name} {activity} {time}.",
    "{name} hopes to {hope} one day.",
    "{name} is very {char} and {char2}.",
    "{name} is cleaning the {room} now.",
    "after dinner, {name} has to {chore}.",
    "during {festival}, we eat {food} with our family.",
    "from the window we can see {nature}.",
    "my {body} hurts after playing {sport}.",
    "my {rel} {activity} {time}.",
    "I want to {hope} when I grow up.",
    "{name} forgot to {chore} {time}.",
)

EN_LEX.update(
    {
        "shopping": "a loaf of bread|a bag of rice|a box of eggs|a bottle of milk|a bunch of flowers|"
        "a kilo of potatoes|a packet of biscuits|a jar of honey|a tin of beans|"
        "a bar of soap|a tube of toothpaste|a roll of tape|a pair of scissors|"
        "a bag of sugar|a carton of juice|a bowl of noodles",
        "excuse": "the traffic was terrible|my alarm clock was broken|I missed the bus|"
        "I had to help my mother|the road was flooded|I could not find my shoes|"
        "the lift was out of order|my bike had a flat tyre",
        "place_thing": "a bridge|a temple|a fountain|a statue|a tower|a lighthouse|a waterfall|"
        "a cave|a palace|a cottage|a windmill|a harbour",
        "language": "French German Spanish Japanese Russian Arabic Italian Korean Portuguese Dutch "
        "Greek Thai Chinese English",
        "well": "very well|quite well|a little|fluently|slowly|badly",
        "gift": "a scarf|a toy train|a storybook|a puzzle|a kite|a teddy bear|a box of chocolates|"
        "a painting|a watch|a diary|a football|a necklace",
    }
)
EN_TEMPLATES += (
    "{name} went to the shop and bought {shopping} and {shopping2}.",
    "sorry I am late, {excuse}.",
    "near the village there is {place_thing} and {place_thing2}.",
    "for my birthday, my {rel} gave me {gift}.",
    "we saw {place_thing} on our trip to {country}.",
    "{name} wrapped {gift} for {name2}.",
    "{name} speaks {language} {well}, and {name2} is learning {language2}.",
)

# More everyday words: common verbs in the past tense, people, time and nature words, so that a
# learner's own sentence meets fewer unknown words.
EN_LEX.update(
    {
        "person": "man|woman|boy|girl|old man|old woman|young man|young woman|little boy|"
        "little girl|baby|student|tourist|stranger|child|visitor|customer|passenger",
        "did_thing": "opened the window|closed the door|cleaned the car|painted the wall|"
        "called the doctor|watched the news|read the newspaper|wrote an email|"
        "answered the phone|carried the boxes|moved the table|boiled some water|made some tea|"
        "heard a strange noise|saw a shooting star|met the new neighbour|asked a question|"
        "told the truth|sold the old sofa|paid the bill|missed the train|caught the last bus|"
        "lost the game|won the race|finished the work|started a new job|left the office early|"
        "reached the top of the hill|crossed the street|climbed the stairs|fed the birds|"
        "checked the weather|turned on the light|turned off the heater|planted a tree|"
        "drew a map|counted the money|filled the bottle|emptied the box|broke a glass|"
        "kept a diary|learned a new song|forgot the password|found a coin|dropped a plate|"
        "shared the cake|borrowed a pencil|returned the ladder|ordered a pizza|"
        "booked a table|cut the grass|hung a picture on the wall|washed the windows",
        "adverb": "quickly|slowly|quietly|loudly|carefully|happily|suddenly|finally|early|"
        "together|alone|politely|angrily|easily|proudly|nervously",
        "duration": "for two hours|for a few minutes|for a long time|all morning|all night|"
        "for three days|for a week|until midnight|until the evening|until lunch|"
        "for half an hour|since breakfast",
        "years": "two years ago|last year|many years ago|ten years ago|three years ago|"
        "when I was a child|in the spring|in the summer|in the autumn|in the winter",
        "sky": "the sky|the sun|the moon|the stars|the snow|the rain|the sea|the lake|"
        "the hills|the forest|the fields|the bridge|the island|the valley|the clouds",
        "pl_thing": "books flowers letters photos shoes toys cups plates boxes eggs apples "
        "pencils coins stamps cards candles shells stones leaves buttons",
        "present_do": "walks to work|reads before bed|swims on Sundays|cooks on Saturdays|"
        "plays chess after dinner|runs in the park|listens to the radio|visits the library|"
        "goes to bed early|drinks a lot of water|rides a bike to school|"
        "writes in a diary|practises the violin|feeds the ducks|sings in the shower",
        "often": "always|usually|often|sometimes|never|hardly ever",
        "thought": "it was a good idea|the film was too long|the soup needed more salt|"
        "the test was easy|the room was too small|the music was beautiful|"
        "the train would be late|the shop was open|the answer was wrong|"
        "the weather would get better",
    }
)
EN_TEMPLATES += (
    "{name} {did_thing} {adverb}.",
    "{name} {did_thing} {time}.",
    "{name} waited for {name2} {duration}.",
    "{name} did not go out until {hour}.",
    "{name} left home without {a_thing}.",
    "a {person} {did_thing} while we were having lunch.",
    "the {person} in the {color} coat {did_thing}.",
    "{name} heard that {name2} {did_thing}.",
    "{name} said that {thought}.",
    "{name} thought that {thought}, but {name2} did not agree.",
    "before {meal}, {name} {did_thing}.",
    "after {meal}, {name} and {name2} {did_thing}.",
    "we looked at {sky} for a long time.",
    "there are {number} {pl_thing} on the {furniture}.",
    "{name} gave me {number} {pl_thing} {time}.",
    "{name} {often} {present_do}.",
    "my {rel} {often} {present_do}.",
    "{name} was born {years} in {city}.",
    "{name} moved to {country} {years}.",
    "{name} could not sleep because of the noise outside.",
    "{name} and {name2} talked about {topic} {duration}.",
    "it was very late, so {name} went to bed.",
    "{name} will be back {future}.",
    "the {person} asked me the way to {place}.",
    "a {person} was standing at the door.",
    "my {rel} works at {place}.",
    "{name} sent me a photo of {sky}.",
    "{name} has never been to {country}.",
    "{name} is older than {name2}, but younger than {name3}.",
    "nobody knew where {name} was.",
    "{name} does not like getting up early.",
    "we stayed at home {duration} because {reason}.",
    "when {name} was young, {name} {often} {present_do}.",
    "the {person} smiled at {name} and said hello.",
    "{name} picked up {a_thing} from the floor.",
    "I asked {name} to help me with the {subject} homework.",
    "it took {name} {number} days to read the book.",
    "the {person} did not know the way, so {name} helped.",
)

# Common words in simple frames: the vocabulary a learner's own sentence is likely to use
# (about two thousand words in all), so that fewer of its words are unknown.
EN_LEX.update(
    {
        "vt_past": "opened closed cleaned painted carried moved watched visited borrowed "
        "returned fixed checked counted filled emptied dropped shared ordered booked cut "
        "pushed pulled kicked threw caught held touched lifted sold brought took left kept "
        "built drew wrote sent showed asked answered called helped followed joined met passed "
        "reached started finished used wanted needed liked loved hated remembered forgot "
        "washed cooked baked tasted smelled heard saw noticed chose changed covered crossed "
        "dug fed hid hit hugged knocked locked marked mixed packed picked planted pressed "
        "printed raised recorded rescued served shook signed sorted stopped studied tied "
        "tidied turned visited warmed weighed wiped wrapped",
        "vi_past": "walked ran sat stood waited stayed played swam danced sang laughed cried "
        "shouted jumped climbed arrived worked lived studied travelled returned rested "
        "smiled talked listened cycled hurried wandered slipped fell knelt lay",
        "prep": "to|into|near|behind|under|in|at|across|along|past|around|through|towards|"
        "beside|outside|inside|in front of|next to|far from|close to",
        "object": "door window table box bag letter ball picture map card bottle cup plate bowl "
        "floor wall roof road street bridge river hill tree flower field farm shop market "
        "house room boat plane clock basket blanket bucket candle coin diary drawer fence "
        "gate glass jar ladder mirror needle paper parcel pocket rope shelf shoe sock stone "
        "string tent ticket towel tray wheel wire",
        "spot": "village|town|city|forest|beach|mountain|island|valley|desert|harbour|"
        "bridge|tower|castle|temple|palace|bakery|kitchen|garden|yard|corner",
        "quality": "quiet noisy busy empty full bright dark warm wet dry soft hard loud strange "
        "famous tired sleepy lucky careful brave calm clean cheap clever crowded deep "
        "difficult easy excellent fresh friendly gentle heavy honest huge kind lazy little "
        "long lovely narrow polite proud quick rich rough round safe short simple slow "
        "smooth special strong sweet tall thick thin tiny ugly useful wide wild young",
        "manner": "quickly slowly quietly loudly carefully happily suddenly finally early late "
        "together alone soon already again almost really even only still just never always "
        "sometimes usually often later",
        "pl_noun": "books flowers letters photos toys cups plates boxes apples pencils coins "
        "stamps cards candles shells stones leaves buttons birds trees houses cars ducks "
        "sheep horses cows friends neighbours students visitors children people parents "
        "grandparents teachers doctors workers farmers",
        "clock": "six|seven|eight|nine|ten|eleven|noon|midnight|half past five|a quarter to nine",
        "ago": "two days ago|a week ago|a month ago|a year ago|three years ago|long ago|"
        "an hour ago|ten minutes ago",
        "heaven": "the sky|the sun|the moon|the wind|the snow|the rain|the sea|the stars|"
        "the clouds|the grass|the ground|the air|the light",
    }
)
EN_TEMPLATES += (
    "{name} {vt_past} the {object} {manner}.",
    "{name} {vt_past} the {object} {ago}.",
    "my {rel} {vt_past} the {object} before {meal}.",
    "{name} {vi_past} {prep} the {spot}.",
    "{name} {vi_past} {manner} {prep} the {object}.",
    "the {quality} {object} is {prep} the {object2}.",
    "there is a {quality} {object} {prep} the {spot}.",
    "{name} has never seen so many {pl_noun}.",
    "{name} waited until {clock}, but nobody came.",
    "{name} has lived in the {spot} since {ago}.",
    "we left without the {object}, so {name} went back.",
    "{name} said that {heaven} was very {quality}.",
    "although it was {quality}, {name} {vi_past} {prep} the {spot}.",
    "{name} {vi_past} for hours and then {vt_past} the {object}.",
    "later, {name} and {name2} {vi_past} {prep} the {spot} together.",
    "the {pl_noun} in the {spot} are very {quality}.",
    "{name} looked at {heaven} and {vi_past}.",
    "a {person} {vt_past} the {object} while {name} {vi_past}.",
    "{name}'s {rel} {vt_past} the {object} {ago}.",
    "{name} went to the {spot} with {poss_pl} {pl_noun}.",
)
EN_LEX["poss_pl"] = "his|her|their|our|my"

# ---------------------------------------------------------------- Chinese long-range families
#
# Built like the English families: opening, cue clause, inserted clauses, dependent clause, in one
# of several clause orders (因为……，……; ……，因为……).

ZH_WHO = (  # (the cue, the later mention)
    ("我", "我"),
    ("我", "我"),
    ("我", "我"),
    ("你", "你"),
    ("他", "他"),
    ("她", "她"),
    ("我们", "我们"),
    ("他们", "他们"),
    *((n, "他") for n in ("小明", "小刚", "李华", "小军", "王强")),
    *((n, "她") for n in ("小红", "小丽", "王芳", "小美", "韩梅梅")),
)
ZH_OPENINGS = (
    "说起来",
    "没想到",
    "你知道吗",
    "那天",
    "说实话",
    "其实",
    "你猜怎么着",
    "告诉你吧",
    "跟往常一样",
    "总之",
    "对了",
    "唉",
)
ZH_ASIDES = (  # inserted clauses that name no person, thing, place or weather of any family
    "路上车很多",
    "大家都已经到了",
    "教室里很安静",
    "天已经黑了",
    "商店都关门了",
    "家里很安静",
    "电视还开着",
    "晚饭快做好了",
    "大家都在等",
    "这已经不是第一次了",
    "大家都不知道怎么办",
    "说实话",
    "当然",
    "一整天都不顺利",
    "那时候刚上课",
    "那天特别忙",
    "时间过得很快",
    "房间里很乱",
    "外面很吵",
    "音乐声很大",
    "小狗一直在叫",
    "孩子们在外面玩",
    "快放假了",
    "大家都很忙",
    "事情就是这样",
    "谁也没想到",
    "那天早上很早",
    "学校里人很多",
)
ZH_LATER = (  # adverbials before a later clause's subject
    "",
    "",
    "",
    "后来",
    "结果",
    "最后",
    "第二天",
    "过了一会儿",
    "然后",
    "晚上",
    "那天晚上",
    "第二天早上",
    "周末",
    "在回家的路上",
    "睡觉前",
    "几分钟以后",
)
ZH_SOON = (
    "",
    "",
    "",
    "周末",
    "明天",
    "这个周末",
    "下个月",
    "放学以后",
    "过几天",
    "下班以后",
    "马上",
)


ZH_JOINERS = ("", "", "", "而且", "但是", "因为", "虽然", "那时候")


def zh_asides(rng: Random, own: tuple[str, ...] = (), banned: frozenset[str] = frozenset()) -> str:
    """Zero to three inserted clauses, each led by a comma: the family's own, shared ones and
    everyday sentences without the `banned` words (as in English)."""
    chosen: list[str] = []
    for _ in range(pick(rng, ASIDE_COUNTS)):
        kind = rng.random()
        if kind < EVERYDAY_ASIDES:
            clause = f"{pick(rng, ZH_JOINERS)}{everyday_clause(rng, 'zh', banned)}"
        else:
            clause = pick(rng, own if own and kind < 0.7 else ZH_ASIDES)
        if clause not in chosen:
            chosen.append(clause)
    return "".join(f"，{c}" for c in chosen)


def zh_join(
    rng: Random,
    first: str,
    second: str,
    conns: tuple[str, ...] = ("", "", "所以", "结果", "于是"),
    reverse: bool = True,
) -> str:
    """Two clauses in one of three orders: 'A，所以B', '因为A，所以B', 'B，因为A' (the last two only
    where A is a reason for B)."""
    order = rng.random()
    if reverse and order < 0.15:
        return f"因为{first}，{pick(rng, ('', '所以'))}{second}。"
    if reverse and order < 0.23:
        return f"{second}，因为{first}。"
    start = f"{pick(rng, ZH_OPENINGS)}，" if rng.random() < OPENINGS else ""
    conn = "" if second.startswith(tuple(ZH_LATER[3:])) else pick(rng, conns)  # no 结果然后
    return f"{start}{first}，{conn}{second}。"


def zh_later(rng: Random) -> str:
    """An adverbial before a later clause's subject, or nothing: from ZH_LATER, or composed from
    the everyday lexicon (as en_later)."""
    return own_or_composed(
        rng,
        ZH_LATER,
        "zh",
        lambda w: (
            w("time"),
            f"{pick(rng, ('吃完早饭', '吃完午饭', '吃完晚饭'))}以后",
            f"在{w('place')}",
            f"{w('festival')}的时候",
            w("day"),
            f"{w('hour')}的时候",
            f"在{w('room')}里",
            f"过了{w('duration')}",
            w("ago"),
        ),
    )


def zh_soon(rng: Random) -> str:
    """An adverbial before a planned action, or nothing."""
    return own_or_composed(
        rng,
        ZH_SOON,
        "zh",
        lambda w: (w("future"), f"{w('festival')}以前", w("day"), f"下个{pick(rng, '月 星期')}"),
    )


def zh_deed(rng: Random, banned: frozenset[str]) -> str:
    """A past-tense verb phrase from the everyday lexicon without any of the `banned` words."""
    w = partial(word, rng, "zh")
    while True:
        deed = pick(
            rng,
            (w("did_thing"), w("activity"), f"去了{w('place')}", f"{w('vt')}了{w('object')}"),
        )
        if not any(banned_word in deed for banned_word in banned):
            return deed


ZH_LATE_FOR = (
    ("上学", "老师"),
    ("上学", "老师"),
    ("上课", "老师"),
    ("考试", "老师"),
    ("上数学课", "老师"),
    ("上班", "经理"),
    ("上班", "老板"),
    ("开会", "经理"),
    ("训练", "教练"),
    ("比赛", "教练"),
)


def zh_late(rng: Random) -> Sentence:
    """Who was late decides who is criticised: 我昨天上学迟到了，老师批评了我。"""
    who, whom = pick(rng, ZH_WHO)
    event, boss = pick(rng, ZH_LATE_FOR)
    when = pick(rng, ("", "昨天", "昨天", "今天", "今天早上", "星期一", "上周", "前天", "又一次"))
    if composed(rng):
        when = pick(rng, (word(rng, "zh", "time"), word(rng, "zh", "day")))
    if boss == "老师" and composed(rng):
        event = f"上{word(rng, 'zh', 'subject')}课"
    first = pick(
        rng,
        (
            f"{{who}}{when}{event}迟到了",
            f"{{who}}{when}{event}又迟到了",
            f"{{who}}{when}{event}迟到了{pick(rng, ('十分钟', '半个小时', '二十分钟', '一会儿'))}",
            f"{{who}}{when}没赶上公交车，{event}迟到了",
            f"{{who}}{when}起晚了，{event}迟到了",
            f"{{who}}{when}{event}的时候迟到了",
        ),
    )
    if composed(rng):
        first = pick(
            rng,
            (
                f"{{who}}{when}没有按时{event}",
                f"{{who}}{when}{event}的时候来晚了",
                f"{{who}}{when}坐错了{word(rng, 'zh', 'local')}，{event}迟到了",
                f"{{who}}{word(rng, 'zh', 'ago')}{event}迟到了",
            ),
        )
    first += zh_asides(
        rng,
        ("因为地铁出了问题", "因为找不到鞋子", "跑得满头大汗", "因为忘了带书包"),
        banned=ZH_BANNED["people"],
    )
    verb = pick(rng, ("批评", "批评", "批评", "批评", "骂"))
    dep = pick(
        rng,
        (
            f"{boss}{verb}了{{whom}}",
            f"{zh_later(rng)}{boss}{verb}了{{whom}}",
            f"{boss}在大家面前{verb}了{{whom}}",
            f"{boss}狠狠地{verb}了{{whom}}",
            f"{boss}一点也不高兴，{verb}了{{whom}}",
            f"{boss}当着全班同学的面{verb}了{{whom}}",
            f"{boss}把{{whom}}{verb}了一顿",
        ),
    )
    if composed(rng):
        dep = pick(
            rng,
            (
                f"{zh_later(rng)}{boss}{pick(rng, ('很生气', '有点生气', '看了看表'))}，{verb}了{{whom}}",
                f"{boss}{word(rng, 'zh', 'adverb')}{verb}了{{whom}}",
                f"{zh_later(rng)}{boss}在{word(rng, 'zh', 'place')}{verb}了{{whom}}",
            ),
        )
    values = {"who": who, "whom": whom}
    return linked("late_criticised", zh_join(rng, first, dep), values, [("who", "whom")])


def zh_praise(rng: Random) -> Sentence:
    """Who did well decides who is praised."""
    who, whom = pick(rng, ZH_WHO)
    exam = pick(rng, ("这次考试", "期末考试", "数学考试", "英语考试", "历史考试", "音乐考试"))
    if composed(rng):
        exam = f"{word(rng, 'zh', 'subject')}考试"
    did = pick(
        rng, ("考了第一名", "考了一百分", "考得很好", "得了满分", "拿了第一名", "全都答对了")
    )
    first = f"{{who}}{exam}{did}"
    if composed(rng):
        first = f"{{who}}{word(rng, 'zh', 'time')}{zh_deed(rng, ZH_BANNED['people'])}"
    first += zh_asides(
        rng, ("一道题也没有错", "大家都很吃惊", "这可不容易"), banned=ZH_BANNED["people"]
    )
    verb = pick(rng, ("表扬", "表扬", "表扬", "夸奖"))
    dep = pick(
        rng,
        (
            f"老师{verb}了{{whom}}",
            f"{zh_later(rng)}老师{verb}了{{whom}}",
            f"老师在全班面前{verb}了{{whom}}",
            f"老师很高兴，{verb}了{{whom}}",
            f"老师笑着{verb}了{{whom}}",
            f"校长{verb}了{{whom}}",
        ),
    )
    values = {"who": who, "whom": whom}
    return linked("good_praised", zh_join(rng, first, dep), values, [("who", "whom")])


ZH_BROKEN_THINGS = (
    ("手机", "一部"),
    ("相机", "一部"),
    ("电脑", "一台"),
    ("冰箱", "一台"),
    ("电视", "一台"),
    ("洗衣机", "一台"),
    ("空调", "一台"),
    ("自行车", "一辆"),
    ("汽车", "一辆"),
    ("电动车", "一辆"),
    ("雨伞", "一把"),
    ("椅子", "一把"),
    ("吉他", "一把"),
    ("手表", "一块"),
    ("钱包", "一个"),
    ("书包", "一个"),
    ("眼镜", "一副"),
)
ZH_OWNERS = (
    ("我", "我"),
    ("我", "我"),
    ("他", "他"),
    ("她", "她"),
    ("我们", "我们"),
    ("小明", "他"),
    ("妈妈", "她"),
    ("爸爸", "他"),
    ("奶奶", "她"),
    ("爷爷", "他"),
)
ZH_BROKEN = ("坏了", "坏了", "坏了", "又坏了", "摔坏了", "突然坏了", "不能用了", "用了很多年，坏了")
ZH_BROKEN_ASIDES = (
    "修也修不好",
    "没法修了",
    "师傅说修不好了",
    "已经用了十年了",
    "是叔叔去年送的",
    "大家都很着急",
    "修理店也修不好",
    "这真让人难过",
)


def zh_broken_clause(rng: Random, own: str) -> str:
    """'{own}的{thing}坏了' in one of several forms; {thing} stays a field."""
    if composed(rng):
        w = partial(word, rng, "zh")
        broken = pick(rng, ("出了问题", "出毛病了", "用不了了", "不工作了", "怎么也打不开了"))
        return pick(
            rng,
            (
                f"{own}的{{thing}}{w('time')}{pick(rng, ZH_BROKEN)}",
                f"{own}{w('room')}里的{{thing}}{broken}",
                f"{own}的{{thing}}{broken}",
                f"{own}的{{thing}}用了{w('number')}年，{broken}",
                f"{own}{w('ago')}买的{{thing}}{pick(rng, ZH_BROKEN)}",
            ),
        )
    return pick(
        rng,
        (
            f"{own}的{{thing}}{pick(rng, ZH_BROKEN)}",
            f"{own}的{{thing}}{pick(rng, ZH_BROKEN)}",
            f"{own}的旧{{thing}}{pick(rng, ZH_BROKEN)}",
            f"{own}家的{{thing}}{pick(rng, ZH_BROKEN)}",
            f"{own}的{{thing}}{pick(rng, ('昨天', '今天早上', '上个星期'))}{pick(rng, ZH_BROKEN)}",
        ),
    )


def zh_broken_buy(rng: Random) -> Sentence:
    """What is broken decides the measure word and the noun: 我的手机坏了，我打算买一部新手机。"""
    thing, measure = pick(rng, ZH_BROKEN_THINGS)
    own, subj = pick(rng, ZH_OWNERS)
    first = zh_broken_clause(rng, own) + zh_asides(
        rng, ZH_BROKEN_ASIDES, banned=ZH_BANNED["objects"]
    )
    plan = pick(rng, ("打算", "打算", "想", "准备", "决定", "只好", "要", "得", "计划"))
    buy = pick(rng, ("买",) * 8 + ("换", "去商店买", "在网上买"))
    soon = zh_soon(rng)
    dep = pick(
        rng,
        (
            f"{subj}{soon}{plan}{buy}{{measure}}新{{thing2}}",
            f"{subj}{soon}{plan}{buy}{{measure}}新{{thing2}}",
            f"{soon}{subj}{plan}{buy}{{measure}}新{{thing2}}",
            f"{subj}{zh_later(rng)}买了{{measure}}新{{thing2}}",
            f"{pick(rng, ('爸爸', '妈妈', '叔叔'))}{soon}给{subj}买了{{measure}}新{{thing2}}",
            f"{subj}需要{{measure}}新{{thing2}}",
        ),
    )
    if composed(rng):
        shop = word(rng, "zh", "shop")
        dep = pick(
            rng,
            (
                f"{subj}{soon}{plan}去{shop}买{{measure}}新{{thing2}}",
                f"{subj}{word(rng, 'zh', 'time')}在{shop}买了{{measure}}新{{thing2}}",
                f"{word(rng, 'zh', 'rel')}{soon}要给{subj}买{{measure}}新{{thing2}}",
                f"{subj}{plan}攒钱买{{measure}}新{{thing2}}",
                f"{zh_later(rng)}{subj}{plan}{buy}{{measure}}新{{thing2}}",
            ),
        )
    values = {"thing": thing, "thing2": thing, "measure": measure}
    return linked(
        "broken_buy",
        zh_join(rng, first, dep),
        values,
        [("thing", "measure"), ("thing", "thing2")],
    )


def zh_repair(rng: Random) -> Sentence:
    """What is broken decides what is repaired."""
    thing, _ = pick(rng, ZH_BROKEN_THINGS)
    own, obj = pick(rng, ZH_OWNERS)
    first = zh_broken_clause(rng, own) + zh_asides(
        rng, ("不能用了", "大家都很着急", "还不太旧"), banned=ZH_BANNED["objects"]
    )
    helper = pick(rng, ("爸爸", "妈妈", "叔叔", "哥哥", "师傅", "爷爷", "邻居", "我"))
    when = pick(rng, ("", "", "周末", "昨天", "下午", "很快", "晚上", "第二天"))
    if composed(rng):
        helper = pick(rng, (word(rng, "zh", "rel"), word(rng, "zh", "name")))
        when = zh_later(rng)
    dep = pick(
        rng,
        (
            f"{helper}{when}帮{obj}把{{thing2}}修好了",
            f"{helper}{when}把{{thing2}}修好了",
            f"{helper}{when}修好了{{thing2}}",
            f"{helper}{when}把{{thing2}}送到修理店去了",
            f"{helper}打算{when}把{{thing2}}修好",
            f"{zh_later(rng)}{helper}修好了{{thing2}}",
        ),
    )
    if composed(rng):
        dep = pick(
            rng,
            (
                f"{helper}{when}{pick(rng, ('检查了一下', '看了看', '修了修'))}{{thing2}}",
                f"{helper}{when}把{{thing2}}拿到{word(rng, 'zh', 'shop')}去修",
                f"{helper}{word(rng, 'zh', 'adverb')}修好了{{thing2}}",
                f"{helper}{when}给{obj}修{{thing2}}",
            ),
        )
    values = {"thing": thing, "thing2": thing}
    return linked("broken_repair", zh_join(rng, first, dep), values, [("thing", "thing2")])


ZH_LOST = ("钥匙", "钱包", "雨伞", "护照", "眼镜", "帽子", "车票", "书包", "手表", "围巾")


def zh_lost(rng: Random) -> Sentence:
    """What was lost decides what is finally found."""
    thing = pick(rng, ZH_LOST)
    own, subj = pick(rng, ZH_OWNERS)
    where = pick(
        rng, ("公交车上", "学校里", "公园里", "火车站", "机场", "商店里", "电影院", "回家的路上")
    )
    w = partial(word, rng, "zh")
    if composed(rng):
        where = pick(rng, (w("place"), f"{w('room')}里", f"{w('transport')}上"))
    first = pick(
        rng,
        (
            f"{own}的{{thing}}不见了",
            f"{own}的{{thing}}丢了",
            f"{own}在{where}丢了{{thing}}",
            f"{own}把{{thing}}丢在{where}了",
            f"{own}找不到{{thing}}了",
        ),
    )
    if composed(rng):
        first = pick(
            rng,
            (
                f"{own}{w('time')}在{where}把{{thing}}弄丢了",
                f"{own}{w('time')}把{{thing}}忘在{where}了",
                f"{own}找{{thing}}找了{w('duration')}",
                f"{own}的{{thing}}{w('time')}突然不见了",
            ),
        )
    first += zh_asides(
        rng, ("找了很久", "大家都帮着找", f"{subj}很难过"), banned=ZH_BANNED["objects"]
    )
    spot = pick(
        rng, ("沙发下面", "门后面", "床底下", "汽车里", "抽屉里", "花园里", "桌子上", "厨房里")
    )
    finder = pick(rng, (subj, subj, "妈妈", "老师", "邻居", "同学", "爸爸"))
    if composed(rng):
        spot = pick(
            rng, (f"{w('furniture')}下面", f"{w('room')}里", w("place"), f"{w('object')}旁边")
        )
        finder = pick(rng, (w("rel"), w("name"), subj))
    dep = pick(
        rng,
        (
            f"最后在{spot}找到了{{thing2}}",
            f"{finder}在{spot}找到了{{thing2}}",
            f"{zh_later(rng)}{finder}找到了{{thing2}}",
            f"{finder}把{{thing2}}还给了{subj}",
            f"{subj}{pick(rng, ('找了很久', '找了一个小时', '找了一下午'))}，在{spot}找到了{{thing2}}",
        ),
    )
    if composed(rng):
        dep = pick(
            rng,
            (
                f"{w('time')}{finder}在{spot}看到了{{thing2}}",
                f"{finder}{w('time')}把{{thing2}}送了回来",
                f"{finder}{w('ago')}在{spot}找到了{{thing2}}",
                f"{finder}{w('adverb')}找到了{{thing2}}",
            ),
        )
    values = {"thing": thing, "thing2": thing}
    text = zh_join(rng, first, dep, ("", "", "后来", "不过"), reverse=False)
    return linked("lost_found", text, values, [("thing", "thing2")])


ZH_WEATHER = (  # cue forms ({w} is the cue word), cue word, verb, item
    (("外面下着{w}", "下{w}了", "一直在下{w}"), "大雨", "带", "雨伞"),
    (("外面下着{w}", "下{w}了", "一直在下{w}"), "大雪", "穿", "靴子"),
    (("外面特别{w}", "天气很{w}", "非常{w}"), "冷", "穿", "外套"),
    (("{w}很大", "外面{w}特别大"), "太阳", "戴", "墨镜"),
    (("{w}很大", "外面{w}特别大"), "风", "戴", "围巾"),
)


def zh_weather(rng: Random) -> Sentence:
    """The weather decides what to take or wear: 今天外面下着大雨，出门记得带雨伞。"""
    forms, weather, verb, item = pick(rng, ZH_WEATHER)
    when = pick(rng, ("", "今天", "今天早上", "下午", "现在"))
    if composed(rng):
        when = f"{word(rng, 'zh', pick(rng, ('city', 'place')))}{pick(rng, ('今天', '这几天', '现在'))}"
    first = f"{when}{pick(rng, forms).format(w='{weather}')}" + zh_asides(
        rng,
        ("路上没有什么人", "公交车也来晚了", "跟往常一样"),
        banned=ZH_BANNED["weather"],
    )
    remember = pick(rng, ("记得", "别忘了", "一定要", "最好"))
    dep = pick(
        rng,
        (
            f"出门{remember}{{verb}}{{item}}",
            f"出门前{remember}{{verb}}{{item}}",
            f"{remember}{{verb}}{{item}}",
            f"大家{remember}{{verb}}{{item}}",
        ),
    )
    if composed(rng):
        dep = pick(
            rng,
            (
                f"去{word(rng, 'zh', 'place')}的时候{remember}{{verb}}上{{item}}",
                f"{word(rng, 'zh', 'name')}，出门{remember}{{verb}}{{item}}",
                f"{word(rng, 'zh', 'future')}出门的时候{remember}{{verb}}{{item}}",
                f"你{remember}{{verb}}上你的{{item}}",
            ),
        )
    values = {"weather": weather, "verb": verb, "item": item}
    return linked(
        "weather_item",
        zh_join(rng, first, dep, ("", "所以")),
        values,
        [("weather", "verb"), ("weather", "item")],
    )


ZH_STATES = (
    ("饿", "吃", ("了两碗米饭", "了一大碗面条", "了三个包子")),
    ("渴", "喝", ("了一大杯水", "了两杯茶", "了一瓶果汁")),
    ("累", "睡", ("了三个小时", "了一个下午", "了很久")),
    ("冷", "穿", ("上了毛衣", "上了厚外套")),
    ("热", "打开", ("了空调", "了风扇")),
)
ZH_AFTER = (
    "放学后",
    "踢完足球",
    "下班后",
    "爬完山",
    "跑完步",
    "游完泳",
    "打完篮球",
    "走了很远的路",
)


def zh_state(rng: Random) -> Sentence:
    """How one feels decides what one does first: 饿……吃, 渴……喝."""
    state, act, rests = pick(rng, ZH_STATES)
    who, pron = pick(rng, ZH_WHO)
    after = pick(rng, ZH_AFTER)
    if composed(rng):
        w = partial(word, rng, "zh")
        after = pick(
            rng,
            (
                f"打完{w('ball')}",
                f"{w('go')}回来",
                f"在{w('place')}待了{w('duration')}",
                "逛了一天街",
            ),
        )
    very = pick(rng, ("非常", "特别", "很", "太"))
    first = pick(
        rng,
        (
            f"{{who}}{after}{very}{{state}}",
            f"{{who}}{after}{very}{{state}}",
            f"{after}，{{who}}觉得{very}{{state}}",
            f"{{who}}{after}觉得{very}{{state}}",
        ),
    ) + zh_asides(rng, (f"{pron}一句话也不想说", "回家的路很长"), banned=ZH_BANNED["state"])
    rest = pick(rng, rests)
    dep = pick(
        rng,
        (
            f"一回到家就{{act}}{rest}",
            f"{pron}一到家就{{act}}{rest}",
            f"回家以后{pron}先{{act}}{rest}",
            f"{pron}{{act}}{rest}",
            f"{zh_later(rng)}{pron}{{act}}{rest}",
        ),
    )
    if composed(rng):
        dep = pick(
            rng,
            (
                f"{zh_later(rng)}{pron}{{act}}{rest}",
                f"{pron}回到家，马上{{act}}{rest}",
                f"{pron}{word(rng, 'zh', 'adverb')}{{act}}{rest}",
                f"{pron}走进{word(rng, 'zh', 'room')}，{{act}}{rest}",
            ),
        )
    values = {"who": who, "state": state, "act": act}
    return linked("state_action", zh_join(rng, first, dep), values, [("state", "act")])


ZH_CITIES = ("北京", "上海", "广州", "成都", "杭州", "西安", "南京", "武汉")


def zh_city(rng: Random) -> Sentence:
    """Where a relative lives decides where we travel."""
    city = pick(rng, ZH_CITIES)
    rel, pron = pick(
        rng,
        (
            ("外婆", "她"),
            ("外公", "他"),
            ("奶奶", "她"),
            ("爷爷", "他"),
            ("姑姑", "她"),
            ("舅舅", "他"),
        ),
    )
    first = pick(
        rng,
        (
            f"我的{rel}住在{{city}}",
            f"我的{rel}住在{{city}}",
            f"我{rel}在{{city}}住了很多年",
            f"我的{rel}去年搬到了{{city}}",
            f"我的{rel}在{{city}}工作",
            f"我{rel}家在{{city}}",
        ),
    )
    if composed(rng):
        first = pick(
            rng,
            (
                f"我的{rel}{word(rng, 'zh', 'years')}就搬到了{{city}}",
                f"我{rel}一直在{{city}}{pick(rng, ('教书', '上班', '生活', '开小店'))}",
                f"我的{rel}{word(rng, 'zh', 'often')}{word(rng, 'zh', 'present_do')}，住在{{city}}",
            ),
        )
    first += zh_asides(
        rng,
        (f"{pron}养了两条狗", f"{pron}很喜欢做饭", f"{pron}常常给我们打电话"),
        banned=ZH_BANNED["city"],
    )
    when = pick(rng, ("每年暑假", "每年寒假", "每个假期", "今年夏天", "放假的时候"))
    by = pick(rng, ("坐火车", "坐飞机", "开车", "坐高铁", "坐汽车"))
    dep = pick(
        rng,
        (
            f"{when}我们都{by}去{{city2}}",
            f"{when}我们{by}去{{city2}}",
            f"我们打算{when}{by}去{{city2}}",
            f"{when}我们全家{by}去{{city2}}",
        ),
    )
    if composed(rng):
        w = partial(word, rng, "zh")
        when = pick(rng, (f"{w('festival')}的时候", f"每年{w('season')}", w("future"), w("month")))
        dep = pick(
            rng,
            (
                f"{when}我们坐{w('transport')}去{{city2}}",
                f"{when}我们全家去{{city2}}看{pron}",
                f"我们打算{when}去{{city2}}",
                f"{when}我和{pick(rng, ('爸爸', '妈妈', '哥哥', '姐姐'))}{by}去{{city2}}",
            ),
        )
    values = {"city": city, "city2": city}
    return linked("city_travel", zh_join(rng, first, dep), values, [("city", "city2")])


ZH_RELATIVES = (
    ("爸爸", "他"),
    ("爷爷", "他"),
    ("叔叔", "他"),
    ("舅舅", "他"),
    ("哥哥", "他"),
    ("妈妈", "她"),
    ("奶奶", "她"),
    ("姑姑", "她"),
    ("阿姨", "她"),
    ("姐姐", "她"),
)


def zh_relative(rng: Random) -> Sentence:
    """Which relative came decides 他 or 她."""
    rel, pron = pick(rng, ZH_RELATIVES)
    came = pick(
        rng,
        (
            "上个周末来看我们",
            "昨天晚上很晚才回家",
            "昨天给我打了电话",
            "今天早上去了菜市场",
            "星期天给我们做了晚饭",
            "昨天从北京回来了",
            "今天一整天都在家",
        ),
    )
    did = pick(
        rng,
        (
            "给我们带了很多水果",
            "看起来很高兴",
            "给我们讲了一个有趣的故事",
            "忘了带钥匙",
            "很累",
            "说火车晚点了",
            "很早就睡了",
        ),
    )
    if composed(rng):
        came = f"{word(rng, 'zh', 'time')}{zh_deed(rng, ZH_BANNED['relative'])}"
        did = zh_deed(rng, ZH_BANNED["relative"])
    first = f"我的{{rel}}{came}" + zh_asides(
        rng, ("坐了很久的火车", "带着一个大包"), banned=ZH_BANNED["relative"]
    )
    dep = pick(rng, (f"{{pron}}{did}", f"{zh_later(rng)}{{pron}}{did}", f"晚上{{pron}}{did}"))
    values = {"rel": rel, "pron": pron}
    text = zh_join(rng, first, dep, ("",), reverse=False)
    return linked("relative_pronoun", text, values, [("rel", "pron")])


ZH_FAMILIES = (
    (zh_late, 4),
    (zh_praise, 2),
    (zh_broken_buy, 4),
    (zh_repair, 2),
    (zh_lost, 2),
    (zh_weather, 2),
    (zh_state, 2),
    (zh_city, 2),
    (zh_relative, 2),
)


# ---------------------------------------------------------------- Chinese everyday sentences

ZH_MEASURED = {  # measure word -> nouns it counts
    "本": "书 词典 杂志 笔记本 小说 相册",
    "支": "笔 铅笔 牙刷",
    "台": "电脑 电视 冰箱 洗衣机 收音机",
    "个": "杯子 书包 钱包 盒子 碗 篮子 枕头 箱子 瓶子 足球 篮球 玩具 闹钟 蛋糕",
    "把": "雨伞 椅子 尺子 刀 勺子 钥匙 吉他 梳子",
    "张": "桌子 床 地图 照片 卡片 明信片 沙发",
    "块": "手表 橡皮 毛巾 巧克力",
    "部": "手机 相机",
    "辆": "自行车 汽车 电动车 玩具车",
    "件": "衣服 外套 毛衣 衬衫 礼物",
    "条": "裙子 裤子 围巾 毯子 鱼 狗 项链",
    "双": "鞋子 筷子 袜子 手套 运动鞋",
    "顶": "帽子 帐篷",
    "盏": "台灯",
}
ZH_ANIMALS = {
    "只": "猫 兔子 鸭子 小鸟 熊猫 老虎 猴子 狮子 羊 鸡 熊 狐狸 松鼠 乌龟 鹦鹉 "
    "青蛙 仓鼠 长颈鹿 袋鼠",
    "条": "狗 鱼 蛇 金鱼",
    "匹": "马",
    "头": "牛 猪 大象",
}
ZH_LEX = {
    "name": "小明 小红 小刚 小丽 小华 李华 王芳 张伟 李明 刘洋 小军 小林 王强 小美 小东 小雪 "
    "李雷 韩梅梅",
    "rel": "妈妈 爸爸 哥哥 姐姐 弟弟 妹妹 奶奶 爷爷 外婆 外公 叔叔 阿姨 姑姑 舅舅 表哥 表妹 "
    "邻居 朋友",
    "food": "米饭 面条 面包 饺子 包子 鸡蛋 鱼 鸡肉 牛肉 猪肉 豆腐 沙拉 蛋糕 披萨 三明治 苹果 香蕉 "
    "橘子 葡萄 草莓 西瓜 梨 桃子 西红柿 土豆 胡萝卜 白菜 黄瓜 蘑菇 饼干 巧克力 冰淇淋 "
    "酸奶 奶酪 粥 汉堡 香肠 蔬菜 水果 花生 柠檬 芒果 樱桃 玉米 南瓜 羊肉 虾 馒头 月饼 "
    "火锅 烤鸭 炒饭 汤圆 粽子",
    "drink": "茶 咖啡 牛奶 水 果汁 橙汁 可乐 绿茶 豆浆 热巧克力 柠檬水",
    "place": "公园 图书馆 超市 电影院 医院 火车站 机场 博物馆 动物园 海边 菜市场 银行 邮局 饭店 "
    "书店 游泳池 操场 体育馆 办公室 花园 面包店 药店 宾馆 农村 河边 湖边 体育场 广场 农场 "
    "工厂 剧院 商场 学校 教室 食堂",
    "city": "北京 上海 广州 成都 杭州 西安 南京 武汉 深圳 重庆 天津 青岛 厦门 苏州 长沙 昆明 大连 "
    "哈尔滨 伦敦 巴黎 东京 纽约",
    "country": "中国 日本 法国 英国 意大利 西班牙 加拿大 澳大利亚 德国 韩国 泰国 埃及 巴西 印度 "
    "墨西哥 希腊 俄罗斯 美国 新加坡 越南",
    "job": "医生 护士 老师 司机 厨师 农民 工程师 作家 歌手 画家 飞行员 牙医 律师 科学家 警察 "
    "服务员 演员 记者 邮递员 军人 工人 音乐家 摄影师 教授 售货员 导游 运动员 理发师",
    "subject": "数学 语文 英语 历史 地理 物理 化学 生物 音乐 美术 科学 体育",
    "sport": "足球 篮球 乒乓球 羽毛球 网球 游泳 跑步 滑雪 排球 跳绳 滑冰 太极拳",
    "ball": "篮球 乒乓球 羽毛球 网球 排球",
    "go": "爬山 露营 钓鱼 滑雪 骑车 散步 野餐 游泳 滑冰",
    "hobby": "看书 画画 唱歌 跳舞 做饭 钓鱼 种花 下棋 写字 听音乐 看电影 拍照 散步 练书法 弹钢琴 "
    "集邮 做手工",
    "color": "红色 蓝色 绿色 黄色 黑色 白色 棕色 粉色 紫色 灰色 橙色",
    "weather": "晴天 多云 下雨 下雪 刮大风 有雾 很冷 很热 很暖和 很凉快 阴天",
    "season": "春天 夏天 秋天 冬天",
    "time": "昨天 今天 今天早上 今天下午 昨天晚上 上周 上个周末 星期天 星期六 上个月 前天",
    "future": "明天 下周 这个周末 星期五 下个月 明天早上 后天",
    "feeling": "高兴 难过 累 饿 生气 担心 激动 无聊 紧张 惊讶 困 骄傲 孤单 开心",
    "transport": "公交车 火车 出租车 飞机 地铁 船 高铁",
    "local": "公交车 出租车 地铁",
    "soon": "明天 星期五 明天早上 今天晚上 星期一",
    "pet": "一只猫 一条狗 一只兔子 两条金鱼 一只鹦鹉 一只仓鼠 一只乌龟 一只小鸟",
    "illness": "头疼 感冒了 发烧了 肚子疼 牙疼 嗓子疼 咳嗽得很厉害",
    "done": "打扫了厨房 做完了作业 看了一部电影 读了一个故事 打了一会儿牌 包了饺子 做了一个蛋糕 "
    "洗了衣服 写了几封信 听了音乐 玩了电脑游戏 整理了房间 给猫喂了食",
    "number": "两 三 四 五 六 七 八 九 十 十二 十五 二十 三十 五十",
    "hour": "六点 七点 八点 九点 六点半 七点半 八点一刻 十点",
    "topic": "动物 太空 历史 恐龙 电脑 做饭 音乐 植物 机器人 鸟类 火山 大海 月亮 古代中国",
    "instrument": "钢琴 吉他 古筝 琵琶",
    "furniture": "桌子 床 沙发 椅子 树 汽车",
    "appliance": "灯 电视 电脑 空调 收音机 暖气 风扇",
    "shop": "超市 菜市场 一家小商店 百货商店 学校附近的小卖部 网上商店 商场",
    "adj": "新 旧 大 小 便宜 贵 漂亮 重 轻 干净 脏 有用 奇怪 可爱 现代 简单 特别",
    "adjp": "有趣 和蔼 认真 幽默 耐心 年轻 严格 热情",
    "day": "星期一 星期二 星期三 星期四 星期五 星期六 星期天",
    "month": "一月 二月 三月 四月 五月 六月 七月 八月 九月 十月 十一月 十二月",
    "reason": "外面在下雨 公交车来晚了 商店关门了 电影很无聊 考试很难 汤太咸了 路上堵车 "
    "房间里太热了 没有人接电话 图书馆里人太多了 作业太多了 丢了钥匙",
    "mthing": " ".join(f"一{m}{n}" for m, nouns in ZH_MEASURED.items() for n in nouns.split()),
    "thing": " ".join(ZH_MEASURED.values()),
    "manimal": " ".join(f"一{m}{n}" for m, nouns in ZH_ANIMALS.items() for n in nouns.split()),
    "animal": " ".join(ZH_ANIMALS.values()),
}
ZH_TEMPLATES = (
    "{name}早饭通常吃{food}。",
    "{name}喜欢吃{food}，但是不喜欢吃{food2}。",
    "我{rel}{time}在菜市场买了一些{food}。",
    "我们{time}晚饭吃了{food}和{food2}。",
    "{time}天气不好，我们待在家里{done}。",
    "天气预报说{future}{city}{weather}。",
    "{city}的{season}通常{weather}。",
    "我的{rel}是一名{job}，在{city}工作。",
    "{name}的{subject}很好，但是{subject2}不太好。",
    "{time}{subject}老师给我们布置了很多作业。",
    "放学以后，{name}和{name2}在公园里打{ball}。",
    "我{time}坐{local}去了{place}。",
    "{name}家里养了{pet}和{pet2}。",
    "我过生日的时候，{rel}送给我{mthing}。",
    "{name}很{feeling}，因为{reason}。",
    "今年{season}我们打算坐{transport}去{country}旅行。",
    "这个{thing}多少钱？",
    "这个{thing}{number}块钱，那个{number2}块钱。",
    "{name}{time}在{shop}买了{mthing}。",
    "你能帮我拿一下这个{thing}吗？",
    "我好像把{thing}忘在{place}了。",
    "{name}{time}{illness}，没有去上学。",
    "医生让{name}多喝水，在家好好休息。",
    "我{rel}正在厨房里做{food}。",
    "花园里有{manimal}。",
    "我每天{hour}起床，{hour2}去上学。",
    "桌子上的{thing}是我{rel}的。",
    "我最喜欢的食物是{food}，最喜欢的饮料是{drink}。",
    "我最喜欢的运动是{sport}。",
    "我最喜欢的科目是{subject}，因为老师很{adjp}。",
    "我最喜欢{season}，因为{season}{weather}。",
    "{name}比{name2}高，但是{name3}最高。",
    "睡觉以前请把{appliance}关掉。",
    "{name}在图书馆看一本关于{topic}的书。",
    "{name}长大以后想当一名{job}。",
    "我{rel}每天早上都喝{drink}。",
    "去{city}的火车{soon}{hour}出发。",
    "我们在{place}附近的一家小宾馆住了{number}天。",
    "{name}会弹{instrument}。",
    "{season}的时候我们经常去山里{go}。",
    "你想喝点{drink}吗？",
    "你想吃{food}还是{food2}？",
    "从我家走到{place}要{number}分钟。",
    "我家的{animal}在{furniture}下面睡觉。",
    "下个{day}我们班要去参观{place}。",
    "{name}是{month}在{city}出生的。",
    "{name}和{name2}{time}去{go}了。",
    "我{rel}晚上喜欢{hobby}。",
    "我{time}在动物园看到了{manimal}。",
    "{name}在去{place}的路上丢了{mthing}。",
    "这家商店卖{food}和{food2}，但是不卖{drink}。",
    "我们每个{day}都有{subject}课。",
    "{future}{city}{weather}，{city2}{weather2}。",
    "我{rel}很{feeling}，因为{reason}。",
    "这个{thing}是{color}的，非常{adj}。",
    "{name}{time}给{name2}写了一封信。",
    "我{time}在{place}遇到了{name}。",
    "我们班有{number}个学生。",
    "我{rel}喜欢{hobby}，我{rel2}喜欢{hobby2}。",
    "{name}给{name2}打电话，问了{subject}作业的事。",
    "我们在{place}野餐，吃了{food}和{food2}。",
    "{name}在{furniture}下面找到了{mthing}。",
    "我家附近有一个很大的{place}。",
    "{month}的{country}经常{weather}。",
    "{name}到处都找不到{thing}。",
    "我们{time}去{city}看望了{rel}。",
    "{name}的{rel}在{place}工作。",
    "{name}每天{hour}坐{transport}去上班。",
)

ZH_LEX.update(
    {
        "activity": "参观了一座古老的城堡 爬了一棵大树 修好了屋顶 种了一些花 钓到了一条大鱼 "
        "画了一幅大海的画 堆了一个雪人 放了风筝 骑了马 在晚会上唱了一首歌 和朋友们跳了舞 "
        "做了一顿丰盛的晚饭 输了一场足球比赛 得了一个奖 学会了一个新词 借了三本书 "
        "写了一首短诗 折了一只纸船 修好了篱笆 擦了窗户 给狗洗了澡 摘了一些苹果 "
        "在海边捡了贝壳 去湖边喂了鸭子 拍了日落的照片 练了钢琴 参加了象棋俱乐部 "
        "帮一位老人过了马路 寄了一张明信片 开了一个银行账户 搬进了新家 遇到了一位老朋友 "
        "爬了一座高山 游过了一条河 看了星星 听了广播 跑了五公里 参观了博物馆 "
        "请朋友们吃了晚饭 布置了教室",
        "hope": "学游泳 写一本书 开一家小饭店 环游世界 学开车 成为一名有名的歌手 住在海边 盖一座房子 "
        "说一口流利的法语 养一只狗 出国留学 爬一座高山 种蔬菜 跑马拉松",
        "char": "善良 友好 害羞 幽默 聪明 懒 礼貌 勇敢 诚实 细心 耐心 大方 安静 调皮 严格 温柔 "
        "乐观 勤奋",
        "room": "厨房 卫生间 卧室 客厅 阳台 车库 教室 走廊",
        "chore": "洗碗 扫地 倒垃圾 浇花 遛狗 叠被子 晾衣服 做晚饭 喂鱼 擦窗户 擦桌子 拖地",
        "festival": "春节 中秋节 端午节 元宵节 圣诞节 国庆节 新年",
        "nature": "花 树 山 星星 小鸟 白云 河 大海 小山 彩虹 月亮 田野",
        "body": "头 胳膊 腿 背 脚 手 膝盖 肩膀 脖子 肚子 牙 耳朵 手指",
    }
)
ZH_TEMPLATES += (
    "{name}{time}{activity}。",
    "{name}希望有一天能{hope}。",
    "{name}非常{char}，也很{char2}。",
    "{name}正在打扫{room}。",
    "吃完晚饭，{name}要{chore}。",
    "{festival}的时候，我们全家一起吃{food}。",
    "从窗户可以看到{nature}。",
    "{name}打完{ball}，{body}很疼。",
    "我{rel}{time}{activity}。",
    "我长大以后想{hope}。",
    "{name}{time}忘了{chore}。",
)

# More everyday words: common verbs, people, time and nature words.
ZH_LEX.update(
    {
        "person": "一个男人 一个女人 一个男孩 一个女孩 一位老人 一个年轻人 一个小孩 一个学生 "
        "一个游客 一个陌生人 一位客人 一位乘客",
        "did_thing": "打开了窗户 关上了门 洗了汽车 刷了墙 给医生打了电话 看了新闻 看了报纸 "
        "写了一封邮件 接了电话 搬了几个箱子 搬了桌子 烧了一壶水 泡了一杯茶 听到了奇怪的声音 "
        "看到了流星 认识了新邻居 问了一个问题 说了实话 卖了旧沙发 付了钱 没赶上火车 "
        "赶上了最后一班车 输了比赛 赢了比赛 做完了工作 找到了新工作 提前下班了 爬到了山顶 "
        "过了马路 爬了楼梯 喂了小鸟 看了天气预报 打开了灯 关掉了暖气 种了一棵树 画了一张地图 "
        "数了数钱 把瓶子装满了水 打破了一个杯子 写了日记 学会了一首新歌 忘了密码 捡到了一枚硬币 "
        "分了蛋糕 借了一支铅笔 还了梯子 点了一个披萨 订了一张桌子 剪了草 在墙上挂了一幅画",
        "adverb": "很快地 慢慢地 悄悄地 大声地 小心地 高高兴兴地 突然 终于 一起 一个人",
        "duration": "两个小时 几分钟 很长时间 一上午 一整夜 三天 一个星期 半个小时 一下午",
        "years": "两年前 去年 很多年前 十年前 三年前 小时候 春天 夏天 秋天 冬天",
        "sky": "天空 太阳 月亮 星星 雪 雨 大海 湖 小山 森林 田野 大桥 小岛 山谷 白云",
        "pl_thing": "书 花 信 照片 鞋 玩具 杯子 盘子 盒子 鸡蛋 苹果 铅笔 硬币 邮票 卡片 蜡烛 贝壳 "
        "石头 树叶 扣子",
        "present_do": "走路去上班 睡觉前看书 星期天去游泳 星期六做饭 晚饭后下棋 在公园里跑步 "
        "听广播 去图书馆 很早睡觉 喝很多水 骑自行车上学 写日记 练小提琴 喂鸭子 洗澡的时候唱歌",
        "often": "总是 通常 经常 有时候 从来不 很少",
        "thought": "这是个好主意 电影太长了 汤里要多放点盐 考试很简单 房间太小了 音乐很好听 "
        "火车会晚点 商店还开着 答案错了 天气会变好",
    }
)
ZH_TEMPLATES += (
    "{name}{adverb}{did_thing}。",
    "{name}{time}{did_thing}。",
    "{name}等了{name2}{duration}。",
    "{name}到{hour}才出门。",
    "{name}出门的时候没带{thing}。",
    "我们吃午饭的时候，{person}{did_thing}。",
    "穿{color}外套的人{did_thing}。",
    "{name}听说{name2}{did_thing}。",
    "{name}说{thought}。",
    "{name}觉得{thought}，但是{name2}不同意。",
    "吃饭以前，{name}{did_thing}。",
    "吃完饭以后，{name}和{name2}{did_thing}。",
    "我们看着{sky}看了很长时间。",
    "{furniture}上有很多{pl_thing}。",
    "{name}{time}给了我{number}张卡片。",
    "{name}{often}{present_do}。",
    "我{rel}{often}{present_do}。",
    "{name}{years}出生在{city}。",
    "{name}{years}搬到了{country}。",
    "外面太吵了，{name}睡不着。",
    "{name}和{name2}聊了{duration}{topic}。",
    "太晚了，{name}去睡觉了。",
    "{name}{future}回来。",
    "{person}问我去{place}怎么走。",
    "门口站着{person}。",
    "我{rel}在{place}上班。",
    "{name}给我发了一张{sky}的照片。",
    "{name}从来没去过{country}。",
    "{name}比{name2}大，但是比{name3}小。",
    "谁也不知道{name}去哪儿了。",
    "{name}不喜欢早起。",
    "因为{reason}，我们在家待了{duration}。",
    "{name}小时候{often}{present_do}。",
    "{person}对{name}笑了笑，说了声你好。",
    "{name}从地上捡起了一个{thing}。",
    "我请{name}帮我做{subject}作业。",
    "{name}花了{number}天看完了这本书。",
    "{person}不认识路，{name}帮了{person2}。",
)

# 常用词：简单句型里的常用动词、名词、形容词，使学习者自己的句子少一些生词。
ZH_LEX.update(
    {
        "vt": "打开 关上 打扫 画 搬 看 参观 借 还 修 检查 数 装满 倒空 扔 分享 点 订 剪 推 拉 踢 接住 "
        "拿 卖 带 留下 盖 写 寄 问 回答 叫 帮助 跟着 参加 遇到 经过 开始 完成 用 想要 需要 喜欢 "
        "讨厌 记住 忘记 洗 做 烤 尝 闻 听 看见 发现 选 换 挖 喂 藏 敲 锁 混合 收拾 摘 种 按 "
        "打印 举 录 救 签 整理 停 学习 系 转 擦 包",
        "vi": "走路 跑步 坐着 站着 等 留下 玩 游泳 跳舞 唱歌 笑 哭 喊 跳 爬 到达 工作 生活 学习 旅行 "
        "回来 休息 微笑 聊天 听 骑车 赶路 散步 滑倒 摔倒 跪下 躺下",
        "object": "门 窗户 桌子 盒子 袋子 信 球 照片 地图 卡片 瓶子 杯子 盘子 碗 地板 墙 屋顶 路 街 桥 "
        "河 山 树 花 田 农场 商店 房子 房间 船 飞机 钟 篮子 毯子 桶 蜡烛 硬币 日记 抽屉 篱笆 大门 "
        "玻璃 罐子 梯子 镜子 针 纸 包裹 口袋 绳子 架子 鞋 袜子 石头 帐篷 毛巾 盘子 轮子 电线",
        "spot": "村子 小镇 城市 森林 海滩 山上 岛上 山谷 沙漠 港口 塔 城堡 寺庙 宫殿 厨房 花园 院子 角落",
        "quality": "安静 吵 忙 空 满 亮 暗 暖和 湿 干 软 硬 响 奇怪 有名 累 困 幸运 小心 勇敢 平静 干净 "
        "便宜 聪明 拥挤 深 难 容易 新鲜 友好 温柔 重 诚实 巨大 善良 懒 长 可爱 窄 有礼貌 骄傲 快 "
        "富 粗糙 圆 安全 短 简单 慢 光滑 特别 强壮 甜 高 厚 薄 丑 有用 宽 年轻",
        "manner": "很快 慢慢 悄悄 大声 仔细 高兴地 突然 终于 早早 很晚 一起 一个人 马上 已经 又 几乎 "
        "真的 甚至 只 还 刚 从来不 总是 有时候 经常 后来",
        "plural": "书 花 信 照片 玩具 杯子 盘子 盒子 苹果 铅笔 硬币 邮票 卡片 蜡烛 贝壳 石头 树叶 扣子 "
        "小鸟 树 房子 汽车 鸭子 羊 马 牛 朋友 邻居 学生 客人 孩子 人 父母 老师 医生 工人 农民",
        "hour": "六点 七点 八点 九点 十点 十一点 中午 半夜 五点半 八点三刻",
        "ago": "两天前 一个星期前 一个月前 一年前 三年前 很久以前 一个小时前 十分钟前",
    }
)
ZH_TEMPLATES += (
    "{name}{manner}{vt}了那个{object}。",
    "{name}{ago}{vt}了那个{object}。",
    "我{rel}吃饭以前{vt}了{object}。",
    "{name}在{spot}{vi}。",
    "那个{quality}的{object}在{spot}。",
    "{spot}有一个很{quality}的{object}。",
    "{name}从来没见过这么多{plural}。",
    "{name}一直等到{hour}，可是没有人来。",
    "{name}{ago}就住在{spot}了。",
    "我们没带{object}就走了，所以{name}又回去了。",
    "虽然天气很{quality}，{name}还是去{spot}{vi}了。",
    "{name}{vi}了几个小时，然后{vt}了{object}。",
    "后来{name}和{name2}一起去{spot}{vi}了。",
    "{spot}的{plural}都很{quality}。",
    "{person}{vt}了{object}，{name}在旁边{vi}。",
    "{name}的{rel}{ago}{vt}了{object}。",
    "{name}带着{plural}去了{spot}。",
)

# ---------------------------------------------------------------- the stream, the split, the files

LEXICON = {"en": EN_LEX, "zh": ZH_LEX}
TEMPLATES = {"en": EN_TEMPLATES, "zh": ZH_TEMPLATES}
FAMILIES = {"en": EN_FAMILIES, "zh": ZH_FAMILIES}


def options(entry: str) -> list[str]:
    """Slot fillers of a lexicon entry: '|'-separated when any filler has a space."""
    return entry.split("|") if "|" in entry else entry.split()


def with_article(word: str) -> str:
    """'an apple', 'a pear', 'a uniform'."""
    vowel = word[0] in "aeiou" and not word.startswith(("uni", "use", "eu"))
    return f"{'an' if vowel else 'a'} {word}"


def everyday(rng: Random, lang: str) -> Sentence:
    """One sentence from a random template; fields named like food, food2 get different fillers."""
    template = pick(rng, TEMPLATES[lang])
    values: dict[str, str] = {}
    for _, name, _, _ in string.Formatter().parse(template):
        if name is None or name in values:
            continue
        slot = name.rstrip("0123456789")
        article = slot.startswith("a_")
        fillers = options(LEXICON[lang][slot[2:] if article else slot])
        word = pick(rng, fillers)
        while word in values.values():
            word = pick(rng, fillers)
        values[name] = with_article(word) if article else word
    text, _ = fill(template, values)
    return Sentence(text[0].upper() + text[1:], "everyday")


def link_distances(lang: str, sentence: Sentence) -> list[int]:
    """Tokens from each cue to its dependent word (negative when the dependent word comes first)."""
    tokens = tokenize(lang, sentence.text)
    return [token_at(tokens, link.dep) - token_at(tokens, link.cue) for link in sentence.links]


def long_range(rng: Random, lang: str) -> Sentence:
    """A sentence of a long-range family whose dependent words stand DISTANCES tokens after
    their cue (or before it: the right side decides them)."""
    makers, weights = zip(*FAMILIES[lang], strict=True)
    maker = rng.choices(makers, weights)[0]
    while True:
        sentence = maker(rng)
        if all(d < 0 or d in DISTANCES for d in link_distances(lang, sentence)):
            return sentence


def _tokens_of(lang: str, *entries: str) -> frozenset[str]:
    """Every token of the given lexicon entries (or space-separated words)."""
    return frozenset(
        token
        for entry in entries
        for word in options(entry)
        for token in project_tokenize(word, lang)
    )


NAMES_LOWER = _tokens_of("en", EN_LEX["name"]) | {w.subj.lower() for w in EN_WHO}
EN_PEOPLE_WORDS = NAMES_LOWER | frozenset(
    "i me my you your he him his she her we us our they them their".split()
)
EN_OBJECT_WORDS = _tokens_of(
    "en", EN_LEX["thing"], EN_LEX["clothes"], " ".join(EN_BROKEN_THINGS), " ".join(EN_LOST)
) | {"new", "broken", "broke", "repair", "repaired", "lost", "found"}
# What an inserted everyday clause of each family must not hold (its cues and answers).
EN_BANNED = {
    "people": EN_PEOPLE_WORDS | {"late", "criticised", "scolded", "praised", "marks"},
    "objects": EN_OBJECT_WORDS,
    "weather": _tokens_of("en", EN_LEX["weather"], EN_LEX["clothes"])
    | {"rain", "raining", "snow", "snowing", "sun", "wind", "umbrella", "sunglasses"},
    "state": _tokens_of("en", EN_LEX["feeling"])
    | {"dirty", "cold", "ate", "drank", "slept", "washed"},
    "city": _tokens_of("en", EN_LEX["city"], EN_LEX["country"]),
    "relative": EN_PEOPLE_WORDS | _tokens_of("en", EN_LEX["rel"]),
}
ZH_PEOPLE_WORDS = frozenset(options(ZH_LEX["name"])) | {"我", "你", "他", "她", "们"}
ZH_BANNED = {  # Chinese is checked by substring: a banned word anywhere in the clause
    "people": ZH_PEOPLE_WORDS | {"迟到", "批评", "表扬", "考"},
    "objects": frozenset(ZH_LOST)
    | {thing for thing, _ in ZH_BROKEN_THINGS}
    | frozenset(options(ZH_LEX["thing"]))
    | {"新", "坏", "修", "丢", "找"},
    "weather": frozenset("雨 雪 冷 热 太阳 风 伞 靴子 外套 围巾 墨镜 带 穿 戴".split()),
    "state": frozenset("饿 渴 累 冷 热 吃 喝 睡 穿 打开".split()),
    "city": frozenset(options(ZH_LEX["city"])) | frozenset(options(ZH_LEX["country"])),
    "relative": ZH_PEOPLE_WORDS | frozenset(options(ZH_LEX["rel"])),
}


def everyday_clause(rng: Random, lang: str, banned: frozenset[str]) -> str:
    """An everyday sentence as an inserted clause (no end mark, no question) holding none of
    the `banned` tokens."""
    while True:
        text = everyday(rng, lang).text
        if text.endswith(("?", "？")):
            continue
        body = text.rstrip(".!。！")
        tokens = project_tokenize(body, lang)
        if lang == "en" and banned.intersection(tokens):
            continue
        if lang == "zh" and any(word in body for word in banned):
            continue
        if lang == "en" and tokens[0] not in NAMES_LOWER and tokens[0] != "i":
            body = body[0].lower() + body[1:]
        return body


def sentence_stream(lang: str):
    """Endless deterministic stream: a LONG_RANGE_SHARE of it from the long-range families."""
    rng = Random(f"{SEED}-{lang}")
    while True:
        if rng.random() < LONG_RANGE_SHARE:
            yield long_range(rng, lang)
        else:
            yield everyday(rng, lang)


def split(lang: str) -> tuple[list[Sentence], list[Sentence]]:
    """Train (tutorial sentences first) and held-out sentences: every VALID_EVERY-th sentence of the
    stream is held out unless it already occurs in train or earlier in valid."""
    train = [Sentence(text, "tutorial") for text in TUTORIAL[lang]]
    candidates: list[Sentence] = []
    stream = sentence_stream(lang)
    for i, sentence in enumerate(stream):
        if len(train) == TRAIN_SIZE:
            break
        (candidates if i % VALID_EVERY == VALID_EVERY - 1 else train).append(sentence)
    seen = {s.text for s in train}
    valid: list[Sentence] = []
    for sentence in chain(candidates, stream):
        if len(valid) == VALID_SIZE:
            break
        if sentence.text not in seen:
            seen.add(sentence.text)
            valid.append(sentence)
    return train, valid


def tokenize(lang: str, text: str) -> list[tuple[str, int, int]]:
    """The project's tokens (rnn_core.text.tokenize) with their character spans in the text."""
    lower, spans, start = text.lower(), [], 0
    for token in project_tokenize(text, lang):
        begin = lower.index(token, start)
        spans.append((token, begin, begin + len(token)))
        start = begin + len(token)
    return spans


def token_at(tokens: list[tuple[str, int, int]], span: tuple[int, int]) -> int:
    """Index of the token that holds the character span (jieba may join 新+手机 into 新手机)."""
    for i, (_, start, end) in enumerate(tokens):
        if start <= span[0] and span[1] <= end:
            return i
    raise ValueError(f"span {span} crosses a token boundary in {tokens}")


def long_range_rows(lang: str, sentences: list[Sentence]) -> list[tuple]:
    """One row per dependent word that follows its cue: (lang, family, text, cue_index, cue,
    dep_index, dep). A sentence that names the dependent word first has no row."""
    rows = []
    for sentence in sentences:
        tokens = tokenize(lang, sentence.text) if sentence.links else []
        for link in sentence.links:
            cue, dep = token_at(tokens, link.cue), token_at(tokens, link.dep)
            if dep <= cue:
                continue
            rows.append(
                (lang, sentence.family, sentence.text, cue, tokens[cue][0], dep, tokens[dep][0])
            )
    return rows


def vocabulary(lang: str, sentences: list[Sentence]) -> dict[str, int]:
    """Token counts over the sentences, in the project's tokenization."""
    counts: dict[str, int] = {}
    for sentence in sentences:
        for token, _, _ in tokenize(lang, sentence.text):
            counts[token] = counts.get(token, 0) + 1
    return counts


def render(out_dir: Path, splits: dict | None = None) -> dict[Path, str]:
    """Every file the generator writes, path -> text (from `splits`, lang -> split(lang), if
    they were made already)."""
    files: dict[Path, str] = {}
    header = "lang\tfamily\tsentence\tcue_index\tcue\tdep_index\tdep\n"
    rows = []
    for lang in LANGS:
        train, valid = splits[lang] if splits else split(lang)
        files[out_dir / lang / "train.txt"] = "".join(f"{s.text}\n" for s in train)
        files[out_dir / lang / "valid.txt"] = "".join(f"{s.text}\n" for s in valid)
        rows += long_range_rows(lang, valid)
    files[out_dir / "long_range.tsv"] = header + "".join(
        "\t".join(map(str, row)) + "\n" for row in rows
    )
    return files


def main(argv: list[str] | None = None) -> None:
    """Write the corpora (or, with --stats, print their sizes and vocabularies)."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--out-dir", type=Path, default=DATA_DIR)
    parser.add_argument("--stats", action="store_true", help="print sizes, write nothing")
    args = parser.parse_args(argv)
    if args.stats:
        for lang in LANGS:
            train, valid = split(lang)
            long_share = sum(bool(s.links) for s in train) / len(train)
            for name, part in (("train", train), ("valid", valid)):
                vocab = vocabulary(lang, part)
                print(
                    f"{lang} {name}: {len(part)} sentences, {sum(vocab.values())} tokens, "
                    f"{len(vocab)} types"
                )
            print(f"{lang} long-range share of train: {long_share:.2f}")
        return
    for path, text in render(args.out_dir).items():
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(text, encoding="utf-8")
        print(f"wrote {path}")


if __name__ == "__main__":
    main()
