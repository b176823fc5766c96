// Writes the GPT-2 parity fixture from npm's js-tiktoken (encoding "gpt2"):
//   tests/data/gpt2/gpt2.tiktoken  GPT-2's byte-level BPE ranks, one "base64 rank" per line
//   tests/data/gpt2/expected.json  js-tiktoken's ids for each text of tests/data/gpt2/texts.json
// Run from the project root after scripts/install-peers.sh:
//   NODE_PATH=.cache/peers/node_modules node tests/reference/make_gpt2_fixture.js
const fs = require("fs");
const path = require("path");
const { Tiktoken } = require("js-tiktoken/lite");
const gpt2 = require("js-tiktoken/ranks/gpt2");

const folder = path.join(__dirname, "..", "data", "gpt2");
const encoder = new Tiktoken(gpt2);

// The ranks ship compressed as lines of "! offset token token ..." with tokens in base64.
const ranks = [];
for (const line of gpt2.bpe_ranks.split("\n")) {
  if (!line) continue;
  const [, offsetText, ...tokens] = line.split(" ");
  const offset = Number.parseInt(offsetText, 10);
  tokens.forEach((token, i) => ranks.push([token, offset + i]));
}
ranks.sort((a, b) => a[1] - b[1]);
fs.writeFileSync(path.join(folder, "gpt2.tiktoken"), ranks.map(([token, rank]) => `${token} ${rank}\n`).join(""));

const texts = JSON.parse(fs.readFileSync(path.join(folder, "texts.json"), "utf8"));
const expected = texts.map((text) => ({ text, ids: Array.from(encoder.encode(text)) }));
fs.writeFileSync(path.join(folder, "expected.json"), JSON.stringify(expected, null, 1) + "\n");
console.log(`wrote ${ranks.length} ranks and ${expected.length} encoded texts to ${folder}`);
