# Sourced by the benchmarks that read English: kjv_corpus FOLDER N makes FOLDER/kjvN.txt, the King
# James Bible (package bible-kjv) with its verse labels stripped, N times over (FOLDER/kjv1.txt is
# one copy), unless it is there already, and prints its path.
kjv_corpus() {
  local folder=$1 repeat=$2
  local corpus="$folder/kjv${repeat}.txt"
  if [ ! -s "$corpus" ]; then
    log "building the corpus: the King James Bible, verse labels stripped, $repeat times"
    bible -f "Gen1:1-Rev22:21" | sed 's/^[^ ]* //' > "$folder/kjv1.txt"
    : > "$corpus"
    for _ in $(seq "$repeat"); do cat "$folder/kjv1.txt" >> "$corpus"; done
  fi
  echo "$corpus"
}
