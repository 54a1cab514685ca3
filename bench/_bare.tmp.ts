import http from 'node:http';
const [apiUrl, key, conc, secs, path] = process.argv.slice(2);
const agent = new http.Agent({ keepAlive: true, maxSockets: 64 });
const base = new URL(apiUrl!);
const get = () => new Promise<void>((resolve, reject) => { http.get({ host: base.hostname, port: base.port, path: path ?? '/rest/v1/bench_items?select=*', agent, headers: { apikey: key, authorization: `Bearer ${key}` } }, (res) => { const c: Buffer[] = []; res.on('data', (d) => c.push(d)); res.on('end', () => { JSON.parse(Buffer.concat(c).toString()); resolve(); }); }).on('error', reject); });
const until = Date.now() + Number(secs) * 1000; let n = 0;
await Promise.all(Array.from({ length: Number(conc) }, async () => { while (Date.now() < until) { await get(); n++; } }));
console.log('rps', n / Number(secs));
