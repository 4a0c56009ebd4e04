"""Generate Unrolled's built-in English and Chinese corpora from a small seeded grammar.

Run `python data/make_corpus.py` from the repository root: it rewrites data/en/*.txt,
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
import re
import string
from dataclasses import dataclass
from itertools import chain
from pathlib import Path
from random import Random

SEED = 5
TRAIN_SIZE = 6000
VALID_SIZE = 600
VALID_EVERY = 10  # every 10th sentence of the stream is held out (then deduplicated)
LONG_RANGE_SHARE = 0.35
DATA_DIR = Path(__file__).resolve().parent
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

EN_TOKEN = re.compile(r"\w+|[^\w\s]")


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

EN_PEOPLE = (  # subject, object, "was"/"were"; "I" most often
    ("I", "me", "was"),
    ("I", "me", "was"),
    ("I", "me", "was"),
    ("you", "you", "were"),
    ("he", "him", "was"),
    ("she", "her", "was"),
    ("we", "us", "were"),
    ("they", "them", "were"),
    ("Tom", "him", "was"),
    ("Anna", "her", "was"),
    ("Mike", "him", "was"),
    ("Lucy", "her", "was"),
    ("Jack", "him", "was"),
    ("Emma", "her", "was"),
)
EN_LATE_FOR = (
    ("school", "teacher"),
    ("class", "teacher"),
    ("the exam", "teacher"),
    ("work", "boss"),
    ("the meeting", "manager"),
    ("training", "coach"),
)
EN_WHEN = ("yesterday", "this morning", "again today", "on Monday", "last week", "twice this week")
EN_LATE_WHY = (
    "",
    "",
    " because the bus was slow",
    " because of the heavy rain",
    " because the alarm clock did not ring",
    " by twenty minutes",
)


def en_late(rng: Random) -> Sentence:
    """Who was late decides who is criticised: 'I was late ..., so the teacher criticised me.'"""
    who, whom, was = pick(rng, EN_PEOPLE)
    event, boss = pick(rng, EN_LATE_FOR)
    verb = pick(rng, ("criticised",) * 6 + ("scolded",) * 2 + ("punished",))
    values = {
        "who": who,
        "whom": whom,
        "was": was,
        "event": event,
        "boss": boss,
        "verb": verb,
        "when": pick(rng, EN_WHEN),
        "why": pick(rng, EN_LATE_WHY),
        "conn": pick(rng, ("so", "and", "and then")),
    }
    return linked(
        "late_criticised",
        "{who} {was} late for {event} {when}{why}, {conn} the {boss} {verb} {whom}.",
        values,
        [("who", "whom")],
    )


EN_EXAMS = ("the maths exam", "the English test", "the final exam", "the science test")


def en_praise(rng: Random) -> Sentence:
    """Who did well decides who is praised."""
    who, whom, _ = pick(rng, EN_PEOPLE)
    did = pick(rng, ("got the best mark in", "did very well in", "got full marks in"))
    values = {
        "who": who,
        "whom": whom,
        "did": did,
        "exam": pick(rng, EN_EXAMS),
        "conn": pick(rng, ("so", "and")),
        "verb": pick(rng, ("praised", "praised", "thanked")),
    }
    return linked(
        "good_praised",
        "{who} {did} {exam}, {conn} the teacher {verb} {whom}.",
        values,
        [("who", "whom")],
    )


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
EN_BROKEN = (
    "is broken",
    "was broken",
    "broke last week",
    "stopped working yesterday",
    "is broken again",
    "broke this morning",
)
EN_PLAN = {  # by subject person: what the owner intends
    "1": ("plan to", "plan to", "decided to", "want to", "am going to", "need to", "have to"),
    "3": ("plans to", "plans to", "decided to", "wants to", "is going to", "needs to", "has to"),
    "p": ("plan to", "plan to", "decided to", "want to", "are going to", "need to", "have to"),
}
EN_OWNERS = (
    ("my", "I", "1"),
    ("my", "I", "1"),
    ("his", "he", "3"),
    ("her", "she", "3"),
    ("our", "we", "p"),
)
EN_BUY = ("buy",) * 8 + ("get", "order")


def en_broken_buy(rng: Random) -> Sentence:
    """What is broken decides what is bought: 'My phone is broken, so I plan to buy a new phone.'"""
    thing = pick(rng, EN_BROKEN_THINGS)
    own, subj, person = pick(rng, EN_OWNERS)
    values = {
        "own": own,
        "thing": thing,
        "broken": pick(rng, EN_BROKEN),
        "subj": subj,
        "conn": pick(rng, ("so ", "so ", "and ", "")),
        "plan": pick(rng, EN_PLAN[person]),
        "buy": pick(rng, EN_BUY),
        "thing2": thing,
        "adj": pick(rng, ("new", "new", "new", "cheaper", "better")),
    }
    template = pick(
        rng,
        (
            "{own} {thing} {broken}, {conn}{subj} {plan} {buy} a {adj} {thing2}.",
            "{own} {thing} {broken} and nobody can repair it, {conn}{subj} {plan} "
            "{buy} a {adj} {thing2}.",
        ),
    )
    return linked("broken_buy", template, values, [("thing", "thing2")])


def en_repair(rng: Random) -> Sentence:
    """What is broken decides what is taken to be repaired."""
    thing = pick(rng, EN_BROKEN_THINGS)
    helper = pick(rng, ("my father", "my mother", "my uncle", "my brother", "I", "we"))
    values = {
        "thing": thing,
        "thing2": thing,
        "broken": pick(rng, EN_BROKEN),
        "helper": helper,
        "when": pick(rng, ("on Saturday", "this weekend", "after school", "today")),
        "took": pick(rng, ("took the", "brought the")),
    }
    return linked(
        "broken_repair",
        "my {thing} {broken}, so {helper} {took} {thing2} to the repair shop {when}.",
        values,
        [("thing", "thing2")],
    )


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


def en_lost(rng: Random) -> Sentence:
    """What was lost decides what is finally found."""
    thing = pick(rng, EN_LOST)
    values = {
        "thing": thing,
        "thing2": thing,
        "where": pick(rng, ("on the bus", "at school", "in the park", "at the station")),
        "spot": pick(rng, ("under the sofa", "in my coat", "behind the door", "in the car")),
        "long": pick(rng, ("all afternoon", "for an hour", "everywhere")),
    }
    return linked(
        "lost_found",
        "I lost my {thing} {where}, and after looking {long} I finally found the {thing2} {spot}.",
        values,
        [("thing", "thing2")],
    )


EN_WEATHER = (
    ("raining", "take", "umbrella"),
    ("snowing", "wear", "boots"),
    ("cold", "wear", "coat"),
    ("sunny", "bring", "sunglasses"),
    ("windy", "wear", "scarf"),
)


def en_weather(rng: Random) -> Sentence:
    """The weather decides what to take or wear: 'It is raining ..., so remember to take ...'"""
    weather, verb, item = pick(rng, EN_WEATHER)
    how = pick(rng, ("heavily", "hard")) if weather in ("raining", "snowing") else "very"
    start = f"{how} " if how == "very" else ""
    end = f" {how}" if how != "very" else ""
    values = {
        "start": start,
        "weather": weather,
        "end": end,
        "verb": verb,
        "item": item,
        "when": pick(rng, ("today", "this morning", "this afternoon", "now")),
        "remember": pick(rng, ("remember to", "do not forget to", "you should")),
    }
    return linked(
        "weather_item",
        "it is {start}{weather}{end} outside {when}, so {remember} {verb} your {item}.",
        values,
        [("weather", "verb"), ("weather", "item")],
    )


EN_STATES = (
    ("hungry", "ate", "two bowls of rice"),
    ("thirsty", "drank", "a big glass of water"),
    ("tired", "slept", "for three hours"),
    ("dirty", "washed", "{poss} face and hands"),
    ("cold", "put", "on a warm sweater"),
)
EN_FEELERS = (
    ("I", "was", "I", "my"),
    ("he", "was", "he", "his"),
    ("she", "was", "she", "her"),
    ("Tom", "was", "he", "his"),
    ("Anna", "was", "she", "her"),
    ("we", "were", "we", "our"),
)


def en_state(rng: Random) -> Sentence:
    """How one feels decides what one does first at home: 'hungry ... ate', 'thirsty ... drank'."""
    state, act, rest = pick(rng, EN_STATES)
    who, was, pron, poss = pick(rng, EN_FEELERS)
    values = {
        "who": who,
        "was": was,
        "state": state,
        "act": act,
        "pron": pron,
        "rest": rest.format(poss=poss),
        "after": pick(rng, ("after school", "after the football match", "after the long walk")),
        "very": pick(rng, ("very", "so", "really")),
        "home": pick(rng, ("home", "back home")),
    }
    return linked(
        "state_action",
        "{who} {was} {very} {state} {after}, so when {pron} got {home} {pron} {act} {rest}.",
        values,
        [("state", "act")],
    )


EN_CITIES = ("Beijing", "Shanghai", "London", "Paris", "Tokyo", "Sydney", "Berlin", "Chengdu")


def en_city(rng: Random) -> Sentence:
    """Where the grandmother lives decides where the train goes."""
    city = pick(rng, EN_CITIES)
    values = {
        "city": city,
        "city2": city,
        "rel": pick(rng, ("grandmother", "grandfather", "aunt", "uncle", "cousin")),
        "when": pick(rng, ("every summer", "every winter", "in the holidays")),
        "by": pick(rng, ("take the train", "fly", "go by bus", "drive")),
    }
    return linked(
        "city_travel",
        "my {rel} lives in {city}, so {when} we {by} to {city2}.",
        values,
        [("city", "city2")],
    )


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
    values = {
        "rel": rel,
        "pron": pron,
        "came": pick(
            rng,
            (
                "came to visit us last weekend",
                "came home late last night",
                "called me yesterday evening",
                "went to the market this morning",
            ),
        ),
        "did": pick(
            rng,
            (
                "brought us a lot of fruit",
                "looked very happy",
                "told us a funny story",
                "forgot to bring the keys",
            ),
        ),
    }
    return linked(
        "relative_pronoun", "my {rel} {came}, and {pron} {did}.", values, [("rel", "pron")]
    )


EN_FAMILIES = (
    (en_late, 6),
    (en_praise, 2),
    (en_broken_buy, 5),
    (en_repair, 2),
    (en_lost, 2),
    (en_weather, 2),
    (en_state, 2),
    (en_city, 1),
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

# ---------------------------------------------------------------- Chinese long-range families

ZH_PEOPLE = (
    ("我", "我"),
    ("我", "我"),
    ("我", "我"),
    ("你", "你"),
    ("他", "他"),
    ("她", "她"),
    ("我们", "我们"),
    ("他们", "他们"),
    ("小明", "他"),
    ("小红", "她"),
    ("小刚", "他"),
    ("小丽", "她"),
)
ZH_LATE_FOR = (
    ("上学", "老师"),
    ("上课", "老师"),
    ("考试", "老师"),
    ("上班", "经理"),
    ("上班", "老板"),
    ("开会", "经理"),
    ("训练", "教练"),
)


def zh_late(rng: Random) -> Sentence:
    """Who was late decides who is criticised: 我昨天上学迟到了，老师批评了我。"""
    who, whom = pick(rng, ZH_PEOPLE)
    event, boss = pick(rng, ZH_LATE_FOR)
    values = {
        "who": who,
        "whom": whom,
        "event": event,
        "boss": boss,
        "when": pick(rng, "昨天 昨天 今天 今天早上 星期一 上周 前天"),
        "again": pick(rng, ("", "", "又")),
        "much": pick(rng, ("", "", "十分钟", "半个小时")),
        "conn": pick(rng, ("", "", "所以", "结果")),
        "adv": pick(rng, ("", "", "狠狠地", "在大家面前")),
        "verb": pick(rng, "批评 批评 批评 批评 骂"),
    }
    return linked(
        "late_criticised",
        "{who}{when}{event}{again}迟到了{much}，{conn}{boss}{adv}{verb}了{whom}。",
        values,
        [("who", "whom")],
    )


def zh_praise(rng: Random) -> Sentence:
    """Who did well decides who is praised."""
    who, whom = pick(rng, ZH_PEOPLE)
    values = {
        "who": who,
        "whom": whom,
        "exam": pick(rng, "这次考试 期末考试 数学考试 英语考试"),
        "did": pick(rng, ("考了第一名", "考了一百分", "考得很好")),
        "conn": pick(rng, ("", "所以")),
        "adv": pick(rng, ("", "在全班面前")),
    }
    return linked(
        "good_praised", "{who}{exam}{did}，{conn}老师{adv}表扬了{whom}。", values, [("who", "whom")]
    )


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
)
ZH_BROKEN = ("坏了", "坏了", "坏了", "又坏了", "摔坏了", "坏了，修不好了")


def zh_broken_buy(rng: Random) -> Sentence:
    """What is broken decides the measure word and the noun: 我的手机坏了，我打算买一部新手机。"""
    thing, measure = pick(rng, ZH_BROKEN_THINGS)
    own, subj = pick(rng, ZH_OWNERS)
    values = {
        "own": own,
        "subj": subj,
        "thing": thing,
        "thing2": thing,
        "measure": measure,
        "broken": pick(rng, ZH_BROKEN),
        "conn": pick(rng, ("", "", "所以")),
        "plan": pick(rng, "打算 打算 想 准备 决定 只好"),
        "buy": pick(rng, ("买",) * 8 + ("换", "去商店买")),
    }
    return linked(
        "broken_buy",
        "{own}的{thing}{broken}，{conn}{subj}{plan}{buy}{measure}新{thing2}。",
        values,
        [("thing", "measure"), ("thing", "thing2")],
    )


def zh_repair(rng: Random) -> Sentence:
    """What is broken decides what is repaired."""
    thing, _ = pick(rng, ZH_BROKEN_THINGS)
    own, obj = pick(rng, ZH_OWNERS)
    values = {
        "own": own,
        "obj": obj,
        "thing": thing,
        "thing2": thing,
        "broken": pick(rng, ZH_BROKEN[:5]),
        "helper": pick(rng, "爸爸 妈妈 叔叔 哥哥 师傅"),
        "when": pick(rng, "周末 昨天 下午 很快"),
    }
    return linked(
        "broken_repair",
        "{own}的{thing}{broken}，{helper}{when}帮{obj}把{thing2}修好了。",
        values,
        [("thing", "thing2")],
    )


ZH_LOST = ("钥匙", "钱包", "雨伞", "护照", "眼镜", "帽子", "车票", "书包", "手表", "围巾")


def zh_lost(rng: Random) -> Sentence:
    """What was lost decides what is finally found."""
    thing = pick(rng, ZH_LOST)
    own, subj = pick(rng, ZH_OWNERS)
    values = {
        "own": own,
        "subj": subj,
        "thing": thing,
        "thing2": thing,
        "long": pick(rng, "一个下午 一个小时 很久"),
        "spot": pick(rng, "沙发下面 门后面 床底下 汽车里 抽屉里"),
    }
    return linked(
        "lost_found",
        "{own}的{thing}不见了，{subj}找了{long}，最后在{spot}找到了{thing2}。",
        values,
        [("thing", "thing2")],
    )


ZH_WEATHER = (
    ("下着", "大雨", "", "带", "雨伞"),
    ("下着", "大雪", "", "穿", "靴子"),
    ("特别", "冷", "", "穿", "外套"),
    ("", "太阳", "很大", "戴", "墨镜"),
    ("", "风", "很大", "戴", "围巾"),
)


def zh_weather(rng: Random) -> Sentence:
    """The weather decides what to take or wear: 今天外面下着大雨，出门记得带雨伞。"""
    pre, weather, post, verb, item = pick(rng, ZH_WEATHER)
    values = {
        "pre": pre,
        "weather": weather,
        "post": post,
        "verb": verb,
        "item": item,
        "when": pick(rng, "今天 今天早上 下午 现在"),
        "conn": pick(rng, ("", "所以")),
        "remember": pick(rng, "记得 别忘了 一定要"),
    }
    return linked(
        "weather_item",
        "{when}外面{pre}{weather}{post}，{conn}出门{remember}{verb}{item}。",
        values,
        [("weather", "verb"), ("weather", "item")],
    )


ZH_STATES = (
    ("饿", "吃", "了两碗米饭"),
    ("渴", "喝", "了一大杯水"),
    ("累", "睡", "了三个小时"),
    ("冷", "穿", "上了毛衣"),
    ("热", "打开", "了空调"),
)


def zh_state(rng: Random) -> Sentence:
    """How one feels decides what one does first at home: 饿……吃, 渴……喝."""
    state, act, rest = pick(rng, ZH_STATES)
    values = {
        "who": pick(rng, "我 他 她 小明 小红 我们"),
        "state": state,
        "act": act,
        "rest": rest,
        "after": pick(rng, "放学后 踢完足球 下班后 爬完山"),
        "very": pick(rng, "非常 特别"),
    }
    return linked(
        "state_action",
        "{who}{after}{very}{state}，一回到家就{act}{rest}。",
        values,
        [("state", "act")],
    )


ZH_CITIES = ("北京", "上海", "广州", "成都", "杭州", "西安", "南京", "武汉")


def zh_city(rng: Random) -> Sentence:
    """Where the grandmother lives decides where we travel."""
    city = pick(rng, ZH_CITIES)
    values = {
        "city": city,
        "city2": city,
        "rel": pick(rng, "外婆 外公 奶奶 爷爷 姑姑 舅舅"),
        "when": pick(rng, "每年暑假 每年寒假 每个假期"),
        "by": pick(rng, "坐火车 坐飞机 开车 坐高铁"),
    }
    return linked(
        "city_travel",
        "我的{rel}住在{city}，所以{when}我们都{by}去{city2}。",
        values,
        [("city", "city2")],
    )


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
    values = {
        "rel": rel,
        "pron": pron,
        "came": pick(
            rng,
            ("上个周末来看我们", "昨天晚上很晚才回家", "昨天给我打了电话", "今天早上去了菜市场"),
        ),
        "did": pick(
            rng, ("给我们带了很多水果", "看起来很高兴", "给我们讲了一个有趣的故事", "忘了带钥匙")
        ),
    }
    return linked("relative_pronoun", "我的{rel}{came}，{pron}{did}。", values, [("rel", "pron")])


ZH_FAMILIES = (
    (zh_late, 6),
    (zh_praise, 2),
    (zh_broken_buy, 5),
    (zh_repair, 2),
    (zh_lost, 2),
    (zh_weather, 2),
    (zh_state, 2),
    (zh_city, 1),
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


def sentence_stream(lang: str):
    """Endless deterministic stream: a LONG_RANGE_SHARE of it from the long-range families."""
    rng = Random(f"{SEED}-{lang}")
    makers, weights = zip(*FAMILIES[lang], strict=True)
    while True:
        if rng.random() < LONG_RANGE_SHARE:
            yield rng.choices(makers, weights)[0](rng)
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
    """The project's tokens with character spans: English lower-case words and punctuation
    marks, Chinese jieba words (default dictionary)."""
    if lang == "en":
        return [(m.group(), m.start(), m.end()) for m in EN_TOKEN.finditer(text.lower())]
    import jieba

    tokens, start = [], 0
    for word in jieba.lcut(text):
        tokens.append((word, start, start + len(word)))
        start += len(word)
    return [t for t in tokens if not t[0].isspace()]


def token_at(tokens: list[tuple[str, int, int]], span: tuple[int, int]) -> int:
    """Index of the token that holds the character span (jieba may join 新+手机 into 新手机)."""
    for i, (_, start, end) in enumerate(tokens):
        if start <= span[0] and span[1] <= end:
            return i
    raise ValueError(f"span {span} crosses a token boundary in {tokens}")


def long_range_rows(lang: str, sentences: list[Sentence]) -> list[tuple]:
    """One row per dependent word: (lang, family, text, cue_index, cue, dep_index, dep)."""
    rows = []
    for sentence in sentences:
        tokens = tokenize(lang, sentence.text) if sentence.links else []
        for link in sentence.links:
            cue, dep = token_at(tokens, link.cue), token_at(tokens, link.dep)
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


def render(out_dir: Path) -> dict[Path, str]:
    """Every file the generator writes, path -> text."""
    files: dict[Path, str] = {}
    header = "lang\tfamily\tsentence\tcue_index\tcue\tdep_index\tdep\n"
    rows = []
    for lang in LANGS:
        train, valid = split(lang)
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
