// Render badges with shields' badge-maker: one JSON request per stdin line,
// one JSON line {svg} per request on stdout. Used by parity/check.py.
import { createInterface } from 'node:readline'
import { makeBadge } from 'badge-maker'

const lines = createInterface({ input: process.stdin })
for await (const line of lines) {
  const { label, message, style, color, logo } = JSON.parse(line)
  const format = { label, message, style, color }
  if (logo) format.logoBase64 = logo
  const svg = makeBadge(format)
  process.stdout.write(JSON.stringify({ svg }) + '\n')
}
