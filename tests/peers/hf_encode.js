// Loads a tokenizer with Hugging Face tokenizers and prints, as one JSON array, the ids of each
// text in a JSON file of strings.
// node hf_encode.js TOKENIZER TEXTS.json            (a tokenizer.json)
// node hf_encode.js VOCAB.json TEXTS.json MERGES.txt (GPT-2's two files, byte-level)
const fs = require("fs");
const { Tokenizer, BPE, byteLevelPreTokenizer } = require("tokenizers");

async function main() {
  const [tokenizerPath, textsPath, mergesPath] = process.argv.slice(2);
  let tokenizer;
  if (mergesPath) {
    tokenizer = new Tokenizer(await BPE.fromFile(tokenizerPath, mergesPath));
    tokenizer.setPreTokenizer(byteLevelPreTokenizer(false, true));
  } else {
    tokenizer = Tokenizer.fromFile(tokenizerPath);
  }
  const texts = JSON.parse(fs.readFileSync(textsPath, "utf8"));
  const ids = [];
  for (const text of texts) {
    const encoding = await tokenizer.encode(text, null, { addSpecialTokens: false });
    ids.push(encoding.getIds());
  }
  process.stdout.write(JSON.stringify(ids) + "\n");
}

main().catch((error) => {
  process.stderr.write(String(error) + "\n");
  process.exit(1);
});
