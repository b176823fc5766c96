// Real models' sizes on this machine: opens a GPT-2 and a BERT folder (Hugging Face's layout) and
// times what the lessons do with them, printing one JSON line:
//   open_gpt2_s, open_bert_s      opening each (config, tokenizer, weights)
//   score_s                       each token's log-probability of a 32-token text (GPT-2), median of 5
//   generate_tokens_per_s         GPT-2 greedy, 32 new tokens after an 8-token prompt, with the cache
//   attention_s                   every layer's and head's map of a 32-token text, GPT-2 and BERT
//   peak_mb                       the process's peak resident memory, both models open
//
//   bench_real_models GPT2_DIR BERT_DIR
#include <sys/resource.h>

#include <algorithm>
#include <chrono>
#include <cstdio>
#include <vector>

#include "core/pretrained/pretrained_model.hpp"
#include "core/train/inspect_attention.hpp"
#include "core/train/inspect_generation.hpp"
#include "core/train/inspect_scoring.hpp"

using namespace pretrainlab;

namespace {

double seconds(const std::chrono::steady_clock::time_point& since) {
    return std::chrono::duration<double>(std::chrono::steady_clock::now() - since).count();
}

// 32 ids spread over the vocabulary (the made-up tokenizers' texts mean nothing).
std::vector<std::int32_t> someIds(std::size_t count, std::size_t vocabulary, std::size_t offset) {
    std::vector<std::int32_t> ids;
    for (std::size_t i = 0; i < count; ++i) ids.push_back(std::int32_t((offset + i * 7919) % (vocabulary - 200)));
    return ids;
}

}  // namespace

int main(int argc, char** argv) {
    if (argc != 3) {
        std::fprintf(stderr, "usage: bench_real_models GPT2_DIR BERT_DIR\n");
        return 2;
    }
    auto start = std::chrono::steady_clock::now();
    const auto gpt2 = pretrained::openPretrained(argv[1]);
    const double openGpt2 = seconds(start);
    start = std::chrono::steady_clock::now();
    const auto bert = pretrained::openPretrained(argv[2]);
    const double openBert = seconds(start);

    const std::vector<std::int32_t> text = someIds(32, std::size_t(gpt2->model->config().vocabulary), 11);
    std::vector<double> scores;
    for (int round = 0; round < 5; ++round) {
        start = std::chrono::steady_clock::now();
        train::tokenLogProbabilities(*gpt2, text);
        scores.push_back(seconds(start));
    }
    std::sort(scores.begin(), scores.end());

    train::Generator generator(gpt2, someIds(8, std::size_t(gpt2->model->config().vocabulary), 3), {});
    generator.next();  // the prompt read
    start = std::chrono::steady_clock::now();
    for (int i = 0; i < 32; ++i) generator.next();
    const double perToken = seconds(start) / 32;

    start = std::chrono::steady_clock::now();
    train::attentionGrids(*gpt2, train::readSentence(*gpt2, text));
    const std::vector<std::int32_t> bertText = someIds(30, std::size_t(bert->model->config().vocabulary), 500);
    train::attentionGrids(*bert, train::readSentence(*bert, bertText));
    const double attention = seconds(start);

    rusage usage{};
    getrusage(RUSAGE_SELF, &usage);
    std::printf("{\"open_gpt2_s\":%.3f,\"open_bert_s\":%.3f,\"score_s\":%.4f,\"generate_tokens_per_s\":%.1f,"
                "\"attention_s\":%.3f,\"peak_mb\":%.0f}\n",
                openGpt2, openBert, scores[2], 1.0 / perToken, attention, double(usage.ru_maxrss) / 1024.0);
    return 0;
}
