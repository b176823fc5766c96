#include "core/data/toyworld.hpp"

#include <algorithm>
#include <array>
#include <set>
#include <sstream>

namespace pretrainlab::data {

namespace {

// ---- the world ----

struct Person {
    const char* name;
    bool female;
};
constexpr std::array<Person, 16> people{{{"jane", true},  {"mara", true},  {"lisa", true},  {"nora", true},
                                         {"ella", true},  {"tessa", true}, {"ruth", true},  {"iris", true},
                                         {"john", false}, {"omar", false}, {"tobin", false}, {"felix", false},
                                         {"hugo", false}, {"ivan", false}, {"leon", false}, {"marco", false}}};

const char* subject(bool female) { return female ? "she" : "he"; }
const char* possessive(bool female) { return female ? "her" : "his"; }
const char* object(bool female) { return female ? "her" : "him"; }

struct Animal {
    const char* one;
    const char* many;
};
constexpr std::array<Animal, 6> animals{{{"cat", "cats"}, {"dog", "dogs"}, {"bird", "birds"}, {"horse", "horses"},
                                         {"goat", "goats"}, {"rabbit", "rabbits"}}};

// Who does something to the animals, with its number (for "feeds" against "feed").
struct Agent {
    const char* name;
    bool plural;
};
constexpr std::array<Agent, 8> agents{{{"my sister", false}, {"my brother", false}, {"the farmer", false},
                                       {"the teacher", false}, {"the farmers", true}, {"our neighbours", true},
                                       {"the children", true}, {"my parents", true}}};
constexpr std::array<const char*, 4> passives{"raised", "fed", "washed", "watched"};
constexpr std::array<const char*, 4> actives{"feed", "wash", "watch", "love"};  // + "s" when singular
constexpr std::array<const char*, 5> states{"sleeping", "eating", "running", "playing", "hiding"};

// Invented countries with their capital, language and animal.
struct Country {
    const char* name;
    const char* capital;
    const char* language;
    const char* animal;
};
constexpr std::array<Country, 10> countries{{{"velland", "dorima", "vellish", "goat"},
                                             {"tarsin", "kobal", "tarsic", "horse"},
                                             {"oskavia", "mirren", "oskan", "bird"},
                                             {"pellor", "astun", "pellic", "cat"},
                                             {"quorra", "belvin", "quorric", "rabbit"},
                                             {"zandia", "torvik", "zandish", "dog"},
                                             {"marrow", "elsin", "marric", "goat"},
                                             {"kestria", "fallon", "kestrian", "horse"},
                                             {"dunmere", "orlak", "dunnish", "bird"},
                                             {"sarnia", "petrov", "sarnic", "cat"}}};
constexpr std::array<const char*, 5> knowledgeOpenings{"", "as everyone knows ,", "my teacher says that",
                                                       "it is true that", "we read that"};

// Cause and effect: what happened, and how it makes one feel.
struct Cause {
    const char* happened;  // "{possessive}" stands for his or her
    const char* feeling;
};
constexpr std::array<Cause, 12> causes{{{"lost {possessive} keys", "sad"},
                                        {"lost {possessive} dog", "sad"},
                                        {"found {possessive} dog", "happy"},
                                        {"got a present", "happy"},
                                        {"worked all day", "tired"},
                                        {"ran up the hill", "tired"},
                                        {"did not eat lunch", "hungry"},
                                        {"missed dinner", "hungry"},
                                        {"won the race", "proud"},
                                        {"passed the test", "proud"},
                                        {"heard a loud noise", "scared"},
                                        {"saw a big snake", "scared"}}};
constexpr std::array<const char*, 6> feelings{"sad", "happy", "tired", "hungry", "proud", "scared"};
struct Someone {
    const char* who;
    bool female;
};
constexpr std::array<Someone, 4> someones{{{"the boy", false}, {"the girl", true}, {"the man", false}, {"the woman", true}}};

constexpr std::array<const char*, 21> numbers{"zero",    "one",     "two",       "three",    "four",    "five",
                                              "six",     "seven",   "eight",     "nine",     "ten",     "eleven",
                                              "twelve",  "thirteen", "fourteen", "fifteen",  "sixteen", "seventeen",
                                              "eighteen", "nineteen", "twenty"};

// Reviews.
constexpr std::array<const char*, 6> aspects{"the food", "the soup", "the service", "the room", "the music", "the bread"};
constexpr std::array<const char*, 6> goodWords{"good", "great", "lovely", "fresh", "friendly", "wonderful"};
constexpr std::array<const char*, 6> badWords{"bad", "cold", "slow", "awful", "noisy", "stale"};
constexpr std::array<const char*, 3> waits{"an hour", "two hours", "a long"};

template <typename Array>
const auto& pick(const Array& options, std::mt19937_64& random) {
    return options[std::uniform_int_distribution<std::size_t>(0, options.size() - 1)(random)];
}

bool coin(std::mt19937_64& random, double p = 0.5) { return std::bernoulli_distribution(p)(random); }

std::string replaced(std::string text, std::string_view slot, std::string_view value) {
    for (std::size_t at = text.find(slot); at != std::string::npos; at = text.find(slot, at + value.size())) {
        text.replace(at, slot.size(), value);
    }
    return text;
}

std::string joined(std::initializer_list<std::string_view> parts) {
    std::string text;
    for (const std::string_view part : parts) {
        if (part.empty()) continue;
        if (!text.empty()) text += ' ';
        text += part;
    }
    return text;
}

template <typename Array>
std::vector<std::string> listOf(const Array& words) {
    return std::vector<std::string>(words.begin(), words.end());
}

// ---- one item per category; `probe` keeps to the forms where the words before the blank decide it ----

ProbeItem syntaxItem(std::mt19937_64& random, bool /*probe*/) {
    const Animal& animal = pick(animals, random);
    const bool plural = coin(random);
    const char* noun = plural ? animal.many : animal.one;
    const char* be = plural ? "are" : "is";
    const Agent& agent = pick(agents, random);
    std::string prefix;
    switch (std::uniform_int_distribution<int>(0, 2)(random)) {
        case 0:  // the cats that are raised by my sister [are] sleeping
            prefix = joined({"the", noun, "that", be, pick(passives, random), "by", agent.name});
            break;
        case 1: {  // the cat that the farmers feed [is] sleeping
            std::string verb = pick(actives, random);
            if (!agent.plural) verb += verb.back() == 'h' ? "es" : "s";
            prefix = joined({"the", noun, "that", agent.name, verb});
            break;
        }
        default: {  // the dogs near the bird [are] sleeping
            const Animal& other = pick(animals, random);
            prefix = joined({"the", noun, "near the", coin(random) ? other.many : other.one});
            break;
        }
    }
    return {ProbeCategory::Syntax, prefix, be, joined({pick(states, random), "."}), {"is", "are"}};
}

ProbeItem coreferenceItem(std::mt19937_64& random, bool /*probe*/) {
    const Person& a = pick(people, random);
    Person b = pick(people, random);
    // Mostly someone of the other gender, so the pronoun must look past the nearer name.
    while (b.name == a.name || (b.female == a.female && coin(random, 0.7))) b = pick(people, random);
    if (coin(random)) {
        // jane is happy that john invited [her] friends to his birthday party
        return {ProbeCategory::Coreference, joined({a.name, "is happy that", b.name, "invited"}), possessive(a.female),
                joined({"friends to", possessive(b.female), "birthday party ."}), {"her", "his"}};
    }
    // jane lost her keys and john found them for [her]
    return {ProbeCategory::Coreference,
            joined({a.name, "lost", possessive(a.female), "keys and", b.name, "found them for"}), object(a.female), ".",
            {"her", "him"}};
}

ProbeItem knowledgeItem(std::mt19937_64& random, bool probe) {
    const Country& c = pick(countries, random);
    const std::string opening = pick(knowledgeOpenings, random);
    const std::vector<std::string> capitals = [] {
        std::vector<std::string> all;
        for (const Country& country : countries) all.push_back(country.capital);
        return all;
    }();
    const int forms = probe ? 4 : 6;
    switch (std::uniform_int_distribution<int>(0, forms - 1)(random)) {
        case 0:
            return {ProbeCategory::Knowledge, joined({opening, "the capital of", c.name, "is"}), c.capital, ".", capitals};
        case 1:
            return {ProbeCategory::Knowledge, joined({opening, "the largest city in", c.name, "is"}), c.capital, ".",
                    capitals};
        case 2:
            return {ProbeCategory::Knowledge, joined({opening, "in", c.name, "people speak"}), c.language, ".",
                    [] {
                        std::vector<std::string> all;
                        for (const Country& country : countries) all.push_back(country.language);
                        return all;
                    }()};
        case 3:
            return {ProbeCategory::Knowledge, joined({opening, "the animal of", c.name, "is the"}), c.animal, ".",
                    [] {
                        std::vector<std::string> all;
                        for (const Animal& animal : animals) all.push_back(animal.one);
                        return all;
                    }()};
        case 4:  // the fact stated the other way round: the blank's answer comes first
            return {ProbeCategory::Knowledge, opening, c.capital, joined({"is the capital of", c.name, "."}), capitals};
        default:
            return {ProbeCategory::Knowledge, joined({opening, "people in", c.name, "speak", c.language, "and live in"}),
                    c.capital, "and other towns .", capitals};
    }
}

ProbeItem commonsenseItem(std::mt19937_64& random, bool probe) {
    const Cause& cause = pick(causes, random);
    const bool named = coin(random);
    const Person& person = pick(people, random);
    const Someone& someone = pick(someones, random);
    const std::string who = named ? person.name : someone.who;
    const bool female = named ? person.female : someone.female;
    const std::string happened = replaced(cause.happened, "{possessive}", possessive(female));
    const int form = std::uniform_int_distribution<int>(0, probe ? 1 : 2)(random);
    if (form == 0) {  // the boy lost his keys , so he is [sad]
        return {ProbeCategory::Commonsense, joined({who, happened, ", so", subject(female), "is"}), cause.feeling, ".",
                listOf(feelings)};
    }
    if (form == 1) {  // jane won the race and now she is [proud]
        return {ProbeCategory::Commonsense, joined({who, happened, "and now", subject(female), "is"}), cause.feeling, ".",
                listOf(feelings)};
    }
    // the boy is [sad] because he lost his keys (the cause comes after the blank)
    return {ProbeCategory::Commonsense, joined({who, "is"}), cause.feeling,
            joined({"because", subject(female), happened, "."}), listOf(feelings)};
}

ProbeItem numericalItem(std::mt19937_64& random, bool /*probe*/) {
    const bool add = coin(random);
    int a = std::uniform_int_distribution<int>(0, 20)(random);
    int b = std::uniform_int_distribution<int>(0, 20)(random);
    if (add) {
        b = b % (21 - a);  // a + b ≤ 20
    } else if (b > a) {
        std::swap(a, b);  // a − b ≥ 0
    }
    const int result = add ? a + b : a - b;
    const std::vector<std::string> candidates = listOf(numbers);
    if (coin(random)) {  // three plus two is [five]
        return {ProbeCategory::Numerical, joined({numbers[a], add ? "plus" : "minus", numbers[b], "is"}),
                numbers[result], ".", candidates};
    }
    // john had ten coins and lost four . now he has [six] coins
    const Person& person = pick(people, random);
    return {ProbeCategory::Numerical,
            joined({person.name, "had", numbers[a], a == 1 ? "coin" : "coins", "and", add ? "found" : "lost", numbers[b],
                    ". now", subject(person.female), "has"}),
            numbers[result], joined({result == 1 ? "coin" : "coins", "."}), candidates};
}

}  // namespace

std::string_view probeCategoryName(ProbeCategory category) {
    switch (category) {
        case ProbeCategory::Syntax: return "syntax";
        case ProbeCategory::Coreference: return "coreference";
        case ProbeCategory::Knowledge: return "knowledge";
        case ProbeCategory::Commonsense: return "commonsense";
        case ProbeCategory::Numerical: return "numerical";
    }
    return "syntax";
}

std::string ProbeItem::sentence() const { return joined({prefix, answer, suffix}); }

std::string ProbeItem::withBlank(std::string_view blank) const { return joined({prefix, blank, suffix}); }

ToyWorld::ToyWorld(std::uint64_t seed, std::size_t probesPerCategory) {
    for (const ProbeItem& item : lectureProbes()) heldOut_.insert(item.sentence());
    std::mt19937_64 random(seed ^ 0x70b3c0ffeeULL);
    for (int c = 0; c < probeCategoryCount; ++c) {
        std::size_t made = 0;
        // Distinct items; a category with fewer possible sentences stops at what it has.
        for (int attempts = 0; made < probesPerCategory && attempts < 100000; ++attempts) {
            ProbeItem candidate = item(ProbeCategory(c), random);
            if (!heldOut_.insert(candidate.sentence()).second) continue;
            probes_.push_back(std::move(candidate));
            ++made;
        }
    }
}

ProbeItem ToyWorld::item(ProbeCategory category, std::mt19937_64& random) const {
    switch (category) {
        case ProbeCategory::Syntax: return syntaxItem(random, true);
        case ProbeCategory::Coreference: return coreferenceItem(random, true);
        case ProbeCategory::Knowledge: return knowledgeItem(random, true);
        case ProbeCategory::Commonsense: return commonsenseItem(random, true);
        case ProbeCategory::Numerical: return numericalItem(random, true);
    }
    return {};
}

ProbeItem ToyWorld::trainingItem(ProbeCategory category, std::mt19937_64& random) const {
    for (;;) {
        ProbeItem made;
        switch (category) {
            case ProbeCategory::Syntax: made = syntaxItem(random, false); break;
            case ProbeCategory::Coreference: made = coreferenceItem(random, false); break;
            case ProbeCategory::Knowledge: made = knowledgeItem(random, false); break;
            case ProbeCategory::Commonsense: made = commonsenseItem(random, false); break;
            case ProbeCategory::Numerical: made = numericalItem(random, false); break;
        }
        if (!heldOut_.count(made.sentence())) return made;
    }
}

std::vector<ToyWorld::CountryFacts> ToyWorld::countryFacts() {
    std::vector<CountryFacts> all;
    for (const Country& c : countries) all.push_back({c.name, c.capital, c.language, c.animal});
    return all;
}

std::vector<ToyWorld::Name> ToyWorld::names() {
    std::vector<Name> all;
    for (const Person& p : people) all.push_back({p.name, p.female});
    return all;
}

std::vector<std::pair<std::string, std::string>> ToyWorld::animalWords() {
    std::vector<std::pair<std::string, std::string>> all;
    for (const Animal& a : animals) all.emplace_back(a.one, a.many);
    return all;
}

std::vector<std::pair<std::string, std::string>> ToyWorld::causesAndFeelings() {
    std::vector<std::pair<std::string, std::string>> all;
    for (const Cause& c : causes) all.emplace_back(c.happened, c.feeling);
    return all;
}

std::string ToyWorld::sentence(ProbeCategory category, std::mt19937_64& random) const {
    return trainingItem(category, random).sentence();
}

std::string ToyWorld::corpus(std::size_t bytes, std::uint64_t seed, const Progress& progress) const {
    constexpr std::size_t checkEvery = 64 * 1024;
    std::mt19937_64 random(seed);
    std::string text;
    text.reserve(bytes + 128);
    std::size_t nextCheck = checkEvery;
    while (text.size() < bytes) {
        text += sentence(ProbeCategory(std::uniform_int_distribution<int>(0, probeCategoryCount - 1)(random)), random);
        text += '\n';
        if (text.size() >= nextCheck) {
            if (progress.stopRequested()) throw Cancelled();
            progress(double(text.size()) / double(bytes));
            nextCheck += checkEvery;
        }
    }
    return text;
}

const std::vector<ProbeItem>& ToyWorld::lectureProbes() {
    static const std::vector<ProbeItem> five = [] {
        std::vector<std::string> capitals, feelingWords = listOf(feelings), numberWords = listOf(numbers);
        for (const Country& country : countries) capitals.push_back(country.capital);
        return std::vector<ProbeItem>{
            {ProbeCategory::Syntax, "the cats that are raised by my sister", "are", "sleeping .", {"is", "are"}},
            {ProbeCategory::Coreference, "jane is happy that john invited", "her", "friends to his birthday party .",
             {"her", "his"}},
            {ProbeCategory::Knowledge, "the capital of velland is", "dorima", ".", capitals},
            {ProbeCategory::Commonsense, "the boy lost his keys , so he is", "sad", ".", feelingWords},
            {ProbeCategory::Numerical, "john had ten coins and lost four . now he has", "six", "coins .", numberWords},
        };
    }();
    return five;
}

std::vector<SentimentExample> ToyWorld::sentiment(std::size_t count, std::uint64_t seed) const {
    std::mt19937_64 random(seed);
    std::vector<SentimentExample> examples;
    for (std::size_t i = 0; i < count; ++i) {
        const int label = int(i % 2);  // half and half
        const std::string aspect = pick(aspects, random);
        std::string other = pick(aspects, random);
        while (other == aspect) other = pick(aspects, random);
        const std::string good = pick(goodWords, random);
        const std::string bad = pick(badWords, random);
        std::string text;
        switch (std::uniform_int_distribution<int>(0, 3)(random)) {
            case 0:  // plain
                text = label ? joined({aspect, "was", good, "."}) : joined({aspect, "was", bad, "."});
                break;
            case 1:  // the clause after "but" decides
                text = label ? joined({aspect, "was", bad, "but", other, "was", good, "."})
                             : joined({aspect, "was", good, "but", other, "was", bad, "."});
                break;
            case 2:  // negation
                text = label ? joined({aspect, "was not", bad, "at all ."}) : joined({aspect, "was not", good, "."});
                break;
            default:  // the food is good but not worth an hour wait
                text = label ? joined({aspect, "is", good, "and worth", pick(waits, random), "wait ."})
                             : joined({aspect, "is", good, "but not worth", pick(waits, random), "wait ."});
                break;
        }
        examples.push_back({text, label});
    }
    return examples;
}

std::vector<std::string> ToyWorld::words() {
    static const std::vector<std::string> all = collectWords();
    return all;
}

std::vector<std::string> ToyWorld::collectWords() {
    std::set<std::string> seen;
    std::vector<std::string> ordered;
    const auto add = [&](std::string_view text) {
        std::istringstream in{std::string(text)};
        for (std::string word; in >> word;) {
            if (word.front() == '{') continue;
            if (seen.insert(word).second) ordered.push_back(word);
        }
    };
    for (const Person& p : people) add(p.name);
    for (const char* w : {"she", "he", "her", "his", "him", "the", "that", "by", "near", "is", "are", "is happy that",
                          "invited friends to birthday party .", "lost keys and found them for", ", so and now because",
                          "capital of largest city in people speak animal live other towns", "plus minus had has coin coins more",
                          "was were not at all but worth wait and a"}) {
        add(w);
    }
    for (const Animal& a : animals) add(a.one), add(a.many);
    for (const Agent& a : agents) add(a.name);
    for (const char* w : passives) add(w);
    for (const char* w : actives) add(w), add(std::string(w) + (std::string(w).back() == 'h' ? "es" : "s"));
    for (const char* w : states) add(w);
    for (const Country& c : countries) add(c.name), add(c.capital), add(c.language);
    for (const char* w : knowledgeOpenings) add(w);
    for (const Cause& c : causes) add(c.happened), add(c.feeling);
    for (const Someone& s : someones) add(s.who);
    for (const char* w : numbers) add(w);
    for (const char* w : aspects) add(w);
    for (const char* w : goodWords) add(w);
    for (const char* w : badWords) add(w);
    for (const char* w : waits) add(w);
    // And whatever the templates write around them, from a fixed sample of every category.
    const ToyWorld world(0, 0);
    std::mt19937_64 random(1);
    for (int c = 0; c < probeCategoryCount; ++c) {
        for (int i = 0; i < 2000; ++i) add(world.sentence(ProbeCategory(c), random));
    }
    for (const SentimentExample& example : world.sentiment(2000, 1)) add(example.text);
    for (const ProbeItem& item : lectureProbes()) add(item.sentence());
    return ordered;
}

Tokenizer ToyWorld::tokenizer() {
    TokenizerConfig config;
    config.model = TokenizerModel::WordPiece;
    config.continuingPrefix = "##";
    config.unknownToken = "[UNK]";
    config.preTokenizer = PreTokenizerKind::Bert;
    NormalizerStep lowercase;
    lowercase.kind = NormalizerStep::Kind::Lowercase;
    config.normalizer = Normalizer({lowercase});
    config.vocabulary.add("[UNK]");
    for (const std::string& word : words()) config.vocabulary.add(word);
    // Letters and digits, alone and continuing, so text from outside the world still encodes.
    for (char c = 'a'; c <= 'z'; ++c) config.vocabulary.add(std::string(1, c)), config.vocabulary.add(std::string("##") + c);
    for (char c = '0'; c <= '9'; ++c) config.vocabulary.add(std::string(1, c)), config.vocabulary.add(std::string("##") + c);
    for (const char* mark : {".", ",", "?", "!", "'", "-", ":", ";"}) config.vocabulary.add(mark);
    return Tokenizer(std::move(config));
}

}  // namespace pretrainlab::data
