// node-x12 side of run.sh: parses the same generated file with X12Parser.parse (the whole-document API node-x12
// documents) and prints one JSON line in the same shape as the .NET benchmark.
'use strict'
const fs = require('fs')
const { X12Parser } = require('node-x12')

const path = process.argv[2]
if (!path) {
  console.error('usage: node parse-node-x12.js <file>')
  process.exit(2)
}

const bytes = fs.statSync(path).size
const cpuBefore = process.cpuUsage()
const started = process.hrtime.bigint()
const edi = fs.readFileSync(path, 'utf8')
const interchange = new X12Parser(true).parse(edi)
const seconds = Number(process.hrtime.bigint() - started) / 1e9
const cpu = process.cpuUsage(cpuBefore)
const cpuSeconds = (cpu.user + cpu.system) / 1e6

let sets = 0
for (const group of interchange.functionalGroups) {
  sets += group.transactions.length
}

console.log(JSON.stringify({
  parser: 'node-x12 ' + require('node-x12/package.json').version + ' parse',
  bytes,
  seconds: Number(seconds.toFixed(3)),
  mbPerSecond: Number((bytes / 1048576 / seconds).toFixed(1)),
  cpuSeconds: Number(cpuSeconds.toFixed(3)),
  mbPerCpuSecond: Number((bytes / 1048576 / cpuSeconds).toFixed(1)),
  peakResidentBytes: process.resourceUsage().maxRSS * 1024,
  transactionSets: sets
}))
