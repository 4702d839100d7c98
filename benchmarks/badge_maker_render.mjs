// Time shields' badge-maker rendering the corpus in benchmarks/render.py wrote.
// Prints one JSON line: {"seconds": [...]} (one entry per round).
import { readFileSync } from 'node:fs'
import { makeBadge } from '../parity/node_modules/badge-maker/lib/index.js'

const [corpusPath, rounds] = process.argv.slice(2)
const corpus = JSON.parse(readFileSync(corpusPath, 'utf8'))
const seconds = []
for (let round = 0; round < Number(rounds); round++) {
  const start = performance.now()
  for (const badge of corpus) makeBadge(badge)
  seconds.push((performance.now() - start) / 1000)
}
console.log(JSON.stringify({ seconds }))
