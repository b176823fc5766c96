// Trains Hugging Face tokenizers' BPE on a file with its default trainer (vocabulary 30000,
// minimum frequency 0, no special tokens, the alphabet as seen) and saves tokenizer.json.
// Prints one JSON line: training seconds, encoding speed of encodeBatch over the lines, sizes.
// node hf_train.js CORPUS byte-level|whitespace OUT.json
const fs = require("fs");
const { Tokenizer, BPE, whitespacePreTokenizer, byteLevelPreTokenizer } = require("tokenizers");

async function main() {
  const [corpus, mode, out] = process.argv.slice(2);
  if (!corpus || !["byte-level", "whitespace"].includes(mode) || !out) {
    throw new Error("usage: node hf_train.js CORPUS byte-level|whitespace OUT.json");
  }
  const tokenizer = new Tokenizer(BPE.empty());
  tokenizer.setPreTokenizer(mode === "byte-level" ? byteLevelPreTokenizer(false, true) : whitespacePreTokenizer());
  let start = process.hrtime.bigint();
  tokenizer.train([corpus]);
  const trainSeconds = Number(process.hrtime.bigint() - start) / 1e9;
  tokenizer.save(out);

  const text = fs.readFileSync(corpus, "utf8");
  start = process.hrtime.bigint();
  const encodings = await tokenizer.encodeBatch(text.split("\n"));
  const encodeSeconds = Number(process.hrtime.bigint() - start) / 1e9;
  const tokens = encodings.reduce((sum, encoding) => sum + encoding.getIds().length, 0);
  process.stdout.write(JSON.stringify({
    peer: "hf-tokenizers", mode, vocab_size: tokenizer.getVocabSize(), train_seconds: trainSeconds,
    encode_seconds: encodeSeconds, encode_mb_per_s: Buffer.byteLength(text) / 1e6 / encodeSeconds, tokens,
    peak_rss_mb: process.resourceUsage().maxRSS / 1024,
  }) + "\n");
}

main().catch((error) => {
  process.stderr.write(String(error) + "\n");
  process.exit(1);
});
