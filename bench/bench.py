#!/usr/bin/env python3
"""Switchboard against Kannel and a raw Poco server, side by side in one run (bench/run).

Everything listens on 127.0.0.1 and everything started here is stopped here. Each figure is
measured as interleaved pairs (Kannel, Switchboard, Kannel, Switchboard, ...) on fresh
processes, and the median of the per-pair ratios is printed: absolute numbers on a shared
2-core machine drift, ratios measured back to back drift much less.

Kannel (bearerbox + smsbox, smsc = http, system-type = generic) keeps its queues in memory
and answers sendsms before anything is on disk; Switchboard commits every accepted message,
webhook and status change to its database before it answers. The output says so.
"""

import argparse
import hashlib
import hmac
import json
import os
import shutil
import signal
import socket
import statistics
import subprocess
import sys
import tempfile
import time
import urllib.request

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
BUILD = os.path.join(ROOT, "build")
# BENCH_SWITCHBOARD_BUILD: another build folder's switchboard and plugins (e.g. an older
# commit's), to measure before and after in the same run.
OTHER = os.environ.get("BENCH_SWITCHBOARD_BUILD", BUILD)
SWITCHBOARD = os.path.join(OTHER, "bin", "switchboard")
PLUGINS = os.path.join(OTHER, "plugins")
SINK = os.path.join(BUILD, "bench", "bench_sink")

ADMIN_KEY = "bench-admin-key-0123456789"
TENANT_KEY = "bench-tenant-key-0123456789"
WEBHOOK_SECRET = "bench-webhook-secret-0123456789"
MO_SECRET = "bench-mo-shared-secret-0123456789"
TENANT_NUMBER = "+15550100001"
RECIPIENT = "+15550107777"
# Extra top-level YAML for the Switchboard config, to try a setting ("\n" for new lines),
# e.g. BENCH_EXTRA_YAML='dispatch:\n  workers: 8'.
EXTRA_YAML = os.environ.get("BENCH_EXTRA_YAML", "").replace("\\n", "\n")
# Extra keys for the storage section, e.g. BENCH_STORAGE_YAML='group_commit_max: 1'.
STORAGE_YAML = "".join(f"  {line}\n" for line in
                       os.environ.get("BENCH_STORAGE_YAML", "").replace("\\n", "\n").splitlines()
                       if line.strip())


# ---- processes and HTTP -------------------------------------------------------------------


def free_port():
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def http_get(port, path, timeout=5):
    with urllib.request.urlopen(f"http://127.0.0.1:{port}{path}", timeout=timeout) as r:
        return r.read().decode()


def wait_listening(port, seconds=30, path=None):
    deadline = time.time() + seconds
    while time.time() < deadline:
        try:
            if path is None:
                with socket.create_connection(("127.0.0.1", port), timeout=1):
                    return
            else:
                http_get(port, path, timeout=1)
                return
        except OSError:
            time.sleep(0.1)
    raise RuntimeError(f"nothing answered on 127.0.0.1:{port} within {seconds} s")


class Process:
    """A child in its own process group, stopped (TERM, then KILL) by stop()."""

    def __init__(self, args, log, env=None, cwd=None, user=None):
        full = (["runuser", "-u", user, "--"] if user else []) + args
        self.log = open(log, "ab")
        self.popen = subprocess.Popen(full, stdout=self.log, stderr=subprocess.STDOUT,
                                      env=env, cwd=cwd, start_new_session=True)

    @property
    def pid(self):
        return self.popen.pid

    def stop(self):
        if self.popen.poll() is None:
            try:
                os.killpg(self.popen.pid, signal.SIGTERM)
                self.popen.wait(timeout=15)
            except (subprocess.TimeoutExpired, ProcessLookupError):
                try:
                    os.killpg(self.popen.pid, signal.SIGKILL)
                except ProcessLookupError:
                    pass
                self.popen.wait()
        self.log.close()


def rss_kib(pid):
    """(VmRSS, VmHWM) of process `pid`, in KiB; zeros once it is gone."""
    values = {"VmRSS": 0, "VmHWM": 0}
    try:
        with open(f"/proc/{pid}/status") as f:
            for line in f:
                key = line.split(":")[0]
                if key in values:
                    values[key] = int(line.split()[1])
    except OSError:
        pass
    return values["VmRSS"], values["VmHWM"]


def cpu_seconds(pids, reaped=()):
    """User + system CPU seconds of `pids` (all their threads), plus what the processes in
    `reaped` collected from children that already exited (a PostgreSQL server's backends)."""
    tick = os.sysconf("SC_CLK_TCK")
    total = 0.0
    for pid in set(pids) | set(reaped):
        try:
            with open(f"/proc/{pid}/stat") as f:
                fields = f.read().rsplit(")", 1)[1].split()
        except OSError:
            continue
        # After the command name: fields[11], fields[12] are utime, stime; 13, 14 the
        # children's.
        if pid in pids:
            total += (int(fields[11]) + int(fields[12])) / tick
        if pid in reaped:
            total += (int(fields[13]) + int(fields[14])) / tick
    return total


def children_of(pid):
    try:
        out = subprocess.run(["pgrep", "-P", str(pid)], capture_output=True, text=True).stdout
    except OSError:
        return []
    return [int(p) for p in out.split()]


def loadavg():
    with open("/proc/loadavg") as f:
        return " ".join(f.read().split()[:3])


# ---- the peers ------------------------------------------------------------------------------


class Sink:
    def __init__(self, work):
        self.port = free_port()
        self.process = Process([SINK, str(self.port), "400"], os.path.join(work, "sink.log"))
        wait_listening(self.port, path="/count")

    def count(self):
        return int(http_get(self.port, "/count"))

    def reset(self):
        http_get(self.port, "/reset")

    def stop(self):
        self.process.stop()


class Postgres:
    """A throwaway cluster with the durability settings of production (fsync and
    synchronous_commit on, the defaults)."""

    def __init__(self, work):
        initdb = sorted(
            p for p in (os.path.join("/usr/lib/postgresql", v, "bin", "initdb")
                        for v in os.listdir("/usr/lib/postgresql")) if os.path.exists(p))[-1]
        self.bin = os.path.dirname(initdb)
        # Its own folder under /tmp: the work folder is private to root, and the server runs
        # as the postgres user.
        self.dir = tempfile.mkdtemp(prefix="switchboard-bench-pg-")
        self.user = "postgres" if os.getuid() == 0 else None
        if self.user:
            shutil.chown(self.dir, "postgres", "postgres")
        self.port = free_port()
        self._run([initdb, "-D", f"{self.dir}/data", "-U", "postgres", "-A", "trust", "-E",
                   "UTF8", "--locale=C.UTF-8"])
        self._run([f"{self.bin}/pg_ctl", "-D", f"{self.dir}/data", "-l", f"{self.dir}/log", "-w",
                   "-o", f"-c listen_addresses=127.0.0.1 -p {self.port} -k {self.dir} "
                         "-c max_connections=200 -c shared_buffers=256MB", "start"])
        self.databases = 0

    def _run(self, args):
        full = (["runuser", "-u", self.user, "--"] if self.user else []) + args
        subprocess.run(full, check=True, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)

    def server_pids(self):
        """The postmaster and its current children (backends, WAL writer, checkpointer…)."""
        with open(f"{self.dir}/data/postmaster.pid") as f:
            postmaster = int(f.readline())
        return [postmaster] + children_of(postmaster), postmaster

    def cpu(self):
        pids, postmaster = self.server_pids()
        return cpu_seconds(pids, reaped=[postmaster])

    def fresh_database(self):
        self.databases += 1
        name = f"bench{self.databases}"
        self._run([f"{self.bin}/psql", "-h", "127.0.0.1", "-p", str(self.port), "-U",
                   "postgres", "-q", "-c", f"CREATE DATABASE {name}"])
        return name

    def psql(self, database, sql):
        full = (["runuser", "-u", self.user, "--"] if self.user else []) + [
            f"{self.bin}/psql", "-h", "127.0.0.1", "-p", str(self.port), "-U", "postgres",
            "-d", database, "-At", "-q", "-c", sql]
        return subprocess.run(full, check=True, capture_output=True, text=True).stdout.strip()

    def stop(self):
        try:
            self._run([f"{self.bin}/pg_ctl", "-D", f"{self.dir}/data", "-m", "fast", "-w",
                       "stop"])
        except subprocess.CalledProcessError:
            pass
        shutil.rmtree(self.dir, ignore_errors=True)


class Kannel:
    """bearerbox + smsbox, in-memory queues, delivering to the sink over the generic HTTP
    SMSC; MO and DLRs come in on the SMSC's own port, DLRs go out to the sink's /dlr."""

    def __init__(self, work, sink_port):
        self.sink_port = sink_port
        self.dir = tempfile.mkdtemp(dir=work, prefix="kannel-")
        self.admin, self.box, self.sendsms, self.smsc = (free_port() for _ in range(4))
        conf = os.path.join(self.dir, "kannel.conf")
        with open(conf, "w") as f:
            f.write(f"""group = core
admin-port = {self.admin}
admin-interface = 127.0.0.1
admin-password = bench
smsbox-port = {self.box}
box-allow-ip = 127.0.0.1
log-level = 3
log-file = "{self.dir}/bearerbox.log"
dlr-storage = internal

group = smsc
smsc = http
smsc-id = sink
system-type = generic
send-url = "http://127.0.0.1:{sink_port}/send?to=%P&from=%p&text=%b&dlr-mask=%d"
status-success-regex = "success"
status-permfail-regex = "permfail"
status-tempfail-regex = "tempfail"
generic-foreign-id-regex = "\\"id\\":([0-9]+)"
port = {self.smsc}
connect-allow-ip = 127.0.0.1
max-pending-submits = 64

group = smsbox
bearerbox-host = 127.0.0.1
bearerbox-port = {self.box}
sendsms-port = {self.sendsms}
sendsms-interface = 127.0.0.1
log-level = 3
log-file = "{self.dir}/smsbox.log"

group = sendsms-user
username = bench
password = bench
concatenation = false
max-messages = 1

group = sms-service
keyword = default
get-url = "http://127.0.0.1:{sink_port}/mo?from=%p&text=%a"
max-messages = 0
""")
        self.bearerbox = Process(["bearerbox", conf], os.path.join(self.dir, "bearerbox.out"))
        wait_listening(self.box)
        self.smsbox = Process(["smsbox", conf], os.path.join(self.dir, "smsbox.out"))
        wait_listening(self.sendsms)
        wait_listening(self.smsc)

    def send_url(self, dlr):
        url = (f"http://127.0.0.1:{self.sendsms}/cgi-bin/sendsms?username=bench&password=bench"
               f"&from=%2B15550100001&to=%2B15550107777&text=Your+appointment+is+at+10")
        if dlr:
            url += f"&dlr-mask=3&dlr-url=http%3A%2F%2F127.0.0.1%3A{self.sink_port}%2Fdlr"
        return url

    def pids(self):
        return [self.bearerbox.pid, self.smsbox.pid]

    def stop(self):
        self.smsbox.stop()
        self.bearerbox.stop()


class Switchboard:
    def __init__(self, work, sink_port, postgres=None):
        self.dir = tempfile.mkdtemp(dir=work, prefix="switchboard-")
        self.port = free_port()
        self.postgres = postgres
        if postgres:
            self.database = postgres.fresh_database()
            storage = (f"storage:\n  driver: postgresql\n  postgresql:\n    host: 127.0.0.1\n"
                       f"    port: {postgres.port}\n    database: {self.database}\n"
                       f"    user: postgres\n")
        else:
            self.database = os.path.join(self.dir, "switchboard.db")
            storage = f"storage:\n  driver: sqlite\n  sqlite:\n    path: {self.database}\n"
        storage += STORAGE_YAML
        config = os.path.join(self.dir, "switchboard.yaml")
        with open(config, "w") as f:
            f.write(f"""server:
  bind: 127.0.0.1
  port: {self.port}
logging:
  level: warning
{storage}plugins:
  directory: {PLUGINS}
admin:
  api_key: {ADMIN_KEY}
{EXTRA_YAML}
limits:
  webhook_rate_limit: {{per_source_per_minute: 6000000, burst: 100000}}
providers:
  - id: retail
    plugin: smsretail
    config:
      send_url: http://127.0.0.1:{sink_port}/send
      api_key: bench-provider-key
      webhook_secret: {WEBHOOK_SECRET}
  - id: extreme
    plugin: extreme
    transport: dry-run
    config:
      api_key: bench-extreme-key
routes:
  - path: /api/webhooks/dlr
    providers: [retail]
  - path: /api/webhooks/mo
    providers: [extreme]
    auth:
      signature: false
      shared_secret: {{header: X-Webhook-Secret, value: {MO_SECRET}}}
tenants:
  - id: acme
    name: Acme
    default_provider: retail
    numbers: ["{TENANT_NUMBER}"]
    api_keys: ["{TENANT_KEY}"]
""")
        log = os.path.join(self.dir, "switchboard.log")
        self.process = Process([SWITCHBOARD, f"--config={config}"], log, cwd=self.dir)
        try:
            wait_listening(self.port, path="/healthz")
        except RuntimeError:
            self.process.stop()
            with open(log, errors="replace") as f:
                raise RuntimeError("switchboard did not start:\n" + f.read()[-3000:])

    def sql(self, query):
        if self.postgres:
            return self.postgres.psql(self.database, query)
        import sqlite3
        with sqlite3.connect(self.database, timeout=30) as db:
            row = db.execute(query).fetchone()
            return str(row[0]) if row else ""

    def seed_sent_messages(self, count):
        """`count` outbound messages already SENT, provider references 1..count (what a
        delivery-receipt flood then applies to)."""
        values = ("SELECT 'acme', 'outbound', 'initial', '+15550100001', '+15550107777', "
                  "'seeded', 'SENT', 'retail', CAST(n AS TEXT), 1, 0, 0, 1, 'GSM-7'")
        insert = ("INSERT INTO messages (tenant_id, direction, kind, from_number, to_number, "
                  "body, status, provider_instance, provider_ref, attempts, created_at, "
                  "updated_at, segments, encoding) ")
        if self.postgres:
            self.postgres.psql(self.database,
                               insert + values + f" FROM generate_series(1, {count}) AS n")
        else:
            import sqlite3
            with sqlite3.connect(self.database, timeout=30) as db:
                db.execute(f"WITH RECURSIVE s(n) AS (SELECT 1 UNION ALL SELECT n + 1 FROM s "
                           f"WHERE n < {count}) " + insert + values + " FROM s")

    def pids(self):
        return [self.process.pid]

    def stop(self):
        self.process.stop()


# ---- load -----------------------------------------------------------------------------------


def lua_send(path):
    with open(path, "w") as f:
        f.write(f"""wrk.method = "POST"
wrk.body = '{{"to":"{RECIPIENT}","message":"Your appointment is at 10"}}'
wrk.headers["Content-Type"] = "application/json"
wrk.headers["Authorization"] = "Bearer {TENANT_KEY}"
""")


def lua_requests(path, requests):
    """A wrk script that sends `requests` ([method, path, headers, body]) in order, once
    each, then stops: every request does distinct work (a fresh MO, a receipt for a message
    no earlier one touched). The requests are read from a data file beside the script (one
    per line, tab-separated), since a Lua chunk holds at most 65,536 constants."""
    data = path + ".tsv"
    with open(data, "w") as f:
        for method, target, headers, body in requests:
            fields = [method, target, body] + [x for kv in headers.items() for x in kv]
            assert not any("\t" in x or "\n" in x for x in fields)
            f.write("\t".join(fields) + "\n")
    with open(path, "w") as f:
        f.write(f"""local reqs = {{}}
for line in io.lines({json.dumps(data)}) do
  local fields = {{}}
  for field in (line .. "\\t"):gmatch("(.-)\\t") do table.insert(fields, field) end
  -- wrk.format adds no Host of its own, and HTTP/1.1 requires one.
  local headers = {{["Host"] = "127.0.0.1"}}
  for i = 4, #fields - 1, 2 do headers[fields[i]] = fields[i + 1] end
  table.insert(reqs, wrk.format(fields[1], fields[2], headers, fields[3]))
end
local i = 0
request = function()
  i = i + 1
  if i > #reqs then return reqs[#reqs] end
  return reqs[i]
end
response = function(status, headers, body)
  if i >= #reqs then wrk.thread:stop() end
end
""")


def wrk(url, seconds, connections, script=None, rate=None):
    """Runs wrk; returns requests, rps, non-2xx/socket errors and latency percentiles (ms).
    `rate` paces every connection to about rate/connections requests per second."""
    args = ["wrk", "-t1", f"-c{connections}", f"-d{seconds}s", "--latency"]
    paced = None
    if rate:
        paced = script + ".paced.lua"
        with open(script) as src, open(paced, "w") as dst:
            dst.write(src.read())
            dst.write(f"\ndelay = function() return {1000.0 * connections / rate:.3f} end\n")
        args += ["-s", paced]
    elif script:
        args += ["-s", script]
    out = subprocess.run(args + [url], capture_output=True, text=True, check=True).stdout
    result = {"requests": 0, "rps": 0.0, "bad": 0, "p50": None, "p99": None}
    for line in out.splitlines():
        words = line.split()
        if "requests in" in line:
            result["requests"] = int(words[0])
        elif line.startswith("Requests/sec:"):
            result["rps"] = float(words[1])
        elif line.startswith("  Non-2xx or 3xx responses:"):
            result["bad"] += int(words[-1])
        elif line.startswith("  Socket errors:"):
            result["bad"] += sum(int(w.strip(",")) for w in words[3::2])
        elif len(words) == 2 and words[0] in ("50%", "99%"):
            value = words[1]
            ms = (float(value[:-2]) if value.endswith("ms") else
                  float(value[:-2]) / 1000 if value.endswith("us") else float(value[:-1]) * 1000)
            result["p50" if words[0] == "50%" else "p99"] = ms
    result["ok"] = result["requests"] - result["bad"]
    return result


def drain(count_fn, expected, started, quiet_s=5, limit_s=180):
    """Waits until `count_fn()` reaches `expected` or stops growing for `quiet_s`; returns
    (count, seconds from `started` to the last increase)."""
    last, last_change = count_fn(), time.time()
    deadline = time.time() + limit_s
    while last < expected and time.time() - last_change < quiet_s and time.time() < deadline:
        time.sleep(0.1)
        now = count_fn()
        if now != last:
            last, last_change = now, time.time()
    return last, last_change - started


# ---- figures --------------------------------------------------------------------------------


def median_ratio(pairs):
    ratios = [s / k for k, s in pairs if k > 0]
    return statistics.median(ratios) if ratios else float("nan")


def report(title, unit, pairs, better="higher"):
    print(f"  {title}")
    for n, (k, s) in enumerate(pairs, 1):
        print(f"    pair {n}: Kannel {k:9.1f} {unit}   Switchboard {s:9.1f} {unit}   "
              f"ratio {s / k if k else float('nan'):.2f}")
    print(f"    median ratio Switchboard/Kannel: {median_ratio(pairs):.2f}"
          f" ({better} is better)")
    sys.stdout.flush()


class Bench:
    def __init__(self, args, work):
        self.args = args
        self.work = work
        self.sink = Sink(work)
        self.scripts = os.path.join(work, "lua")
        os.makedirs(self.scripts)
        lua_send(os.path.join(self.scripts, "send.lua"))

    def run(self, name, start, load):
        """Starts a fresh gateway with `start`, runs `load(gateway)`, stops it."""
        print(f"    [{name}] load average {loadavg()}", flush=True)
        self.sink.reset()
        gateway = start()
        try:
            return load(gateway)
        finally:
            gateway.stop()

    def send_and_deliver(self, connections, postgres=None, dlr=False):
        """Per pair: (Kannel, Switchboard) acceptances/s, end-to-end deliveries/s, and the
        latencies of the acceptance run."""
        seconds = self.args.seconds
        accept, e2e, p50, p99 = [], [], [], []
        self.cpu_per_message, self.database_cpu_per_message = [], []

        def kannel_load(k):
            pids = [k.bearerbox.pid, k.smsbox.pid]
            c0, t0 = cpu_seconds(pids), time.time()
            r = wrk(k.send_url(dlr), seconds, connections)
            delivered, elapsed = drain(self.sink.count, r["ok"], t0)
            return r, delivered, elapsed, cpu_seconds(pids) - c0, 0.0

        def switchboard_load(s):
            pids = [s.process.pid]
            c0, t0 = cpu_seconds(pids), time.time()
            d0 = postgres.cpu() if postgres else 0.0
            r = wrk(f"http://127.0.0.1:{s.port}/api/sms/send", seconds, connections,
                    os.path.join(self.scripts, "send.lua"))
            delivered, elapsed = drain(self.sink.count, r["ok"], t0)
            database = (postgres.cpu() - d0) if postgres else 0.0
            return r, delivered, elapsed, cpu_seconds(pids) - c0, database

        for _ in range(self.args.pairs):
            kr, kd, ke, kc, _ = self.run("Kannel", lambda: Kannel(self.work, self.sink.port),
                                         kannel_load)
            sr, sd, se, sc, sdb = self.run(
                "Switchboard", lambda: Switchboard(self.work, self.sink.port, postgres),
                switchboard_load)
            # CPU per message delivered end to end (acceptance, queueing, the provider call).
            self.cpu_per_message.append((1e6 * kc / max(kd, 1), 1e6 * sc / max(sd, 1)))
            self.database_cpu_per_message.append(1e6 * sdb / max(sd, 1))
            for label, r, d in (("Kannel", kr, kd), ("Switchboard", sr, sd)):
                if d < r["ok"]:
                    print(f"    WARNING: {label} acknowledged {r['ok']} but delivered {d}")
            accept.append((kr["ok"] / seconds, sr["ok"] / seconds))
            e2e.append((kd / ke if ke > 0 else 0, sd / se if se > 0 else 0))
            p50.append((kr["p50"], sr["p50"]))
            p99.append((kr["p99"], sr["p99"]))
        return accept, e2e, p50, p99

    def receipts(self, postgres=None):
        """Delivery-receipt ingest/s: Kannel's DLR path (messages sent with dlr-mask, the
        provider's DLR into the HTTP SMSC's port, Kannel calling the dlr-url) against
        Switchboard's signed DLR webhook on stored SENT messages; each receipt is for a
        message no other receipt touched, and what applied is counted afterwards."""
        seconds = self.args.seconds
        pairs = []
        for _ in range(self.args.pairs):
            def kannel_load(k):
                # The messages the receipts are for, with their DLR entries in memory.
                t0 = time.time()
                sent = wrk(k.send_url(True), seconds, 10)
                count, _ = drain(self.sink.count, sent["ok"], t0)
                self.sink.reset()
                script = os.path.join(self.scripts, "kannel-dlr.lua")
                lua_requests(script, [("GET", f"/?dlr-mask=1&dlr-mid={n}&to=%2B15550107777"
                                       "&from=%2B15550100001", {}, "")
                                      for n in range(1, count + 1)])
                t0 = time.time()
                r = wrk(f"http://127.0.0.1:{k.smsc}/", seconds, 10, script)
                calls, _ = drain(self.sink.count, r["ok"], t0)
                return r["rps"], calls, r["ok"]

            def switchboard_load(s):
                count = self.args.receipts
                s.seed_sent_messages(count)
                script = os.path.join(self.scripts, "switchboard-dlr.lua")
                requests = []
                for n in range(1, count + 1):
                    body = json.dumps({"id": n, "status": "delivered"}, separators=(",", ":"))
                    signature = hmac.new(WEBHOOK_SECRET.encode(), body.encode(),
                                         hashlib.sha256).hexdigest()
                    requests.append(("POST", "/api/webhooks/dlr",
                                     {"Content-Type": "application/json",
                                      "X-Signature": signature}, body))
                lua_requests(script, requests)
                r = wrk(f"http://127.0.0.1:{s.port}/", seconds, 10, script)
                delivered = int(s.sql("SELECT COUNT(*) FROM messages WHERE status = 'DELIVERED'"))
                return r["rps"], delivered, r["ok"]

            k_rps, k_calls, k_ok = self.run(
                "Kannel", lambda: Kannel(self.work, self.sink.port), kannel_load)
            s_rps, s_applied, s_ok = self.run(
                "Switchboard", lambda: Switchboard(self.work, self.sink.port, postgres),
                switchboard_load)
            print(f"    Kannel: {k_ok} DLRs acknowledged, {k_calls} dlr-url calls made; "
                  f"Switchboard: {s_ok} acknowledged, {s_applied} messages now DELIVERED")
            pairs.append((k_rps, s_rps))
        return pairs

    def inbound(self, postgres=None):
        """MO ingest/s: Kannel's HTTP SMSC port → smsbox → sms-service get-url, against
        Switchboard's MO webhook (shared-secret route) storing each message with its
        contact; every MO distinct."""
        seconds = self.args.seconds
        count = self.args.receipts
        pairs = []
        kannel_script = os.path.join(self.scripts, "kannel-mo.lua")
        lua_requests(kannel_script, [("GET", f"/?from=%2B1555{n:07d}&to=%2B15550100001"
                                      f"&text=Hello+{n}", {}, "") for n in range(1, count + 1)])
        sw_script = os.path.join(self.scripts, "switchboard-mo.lua")
        lua_requests(sw_script, [
            ("POST", "/api/webhooks/mo",
             {"Content-Type": "application/json", "X-Webhook-Secret": MO_SECRET},
             json.dumps({"sender": f"+1555{n % 5000:07d}", "receiver": TENANT_NUMBER,
                         "message": f"Hello {n}", "id": f"mo-{n}"}, separators=(",", ":")))
            for n in range(1, count + 1)])
        for _ in range(self.args.pairs):
            k = self.run("Kannel", lambda: Kannel(self.work, self.sink.port),
                         lambda k: wrk(f"http://127.0.0.1:{k.smsc}/", seconds, 10,
                                       kannel_script))
            s = self.run("Switchboard",
                         lambda: Switchboard(self.work, self.sink.port, postgres),
                         lambda s: (wrk(f"http://127.0.0.1:{s.port}/", seconds, 10, sw_script),
                                    s.sql("SELECT COUNT(*) FROM messages WHERE "
                                          "direction = 'inbound'"))[0])
            pairs.append((k["rps"], s["rps"]))
        return pairs

    def ceiling(self):
        """The raw Poco server (the sink itself) under the same wrk load, for the
        framework ceiling of a webhook endpoint here."""
        script = os.path.join(self.scripts, "ceiling.lua")
        with open(script, "w") as f:
            f.write('wrk.method = "POST"\nwrk.body = \'{"id":1,"status":"delivered"}\'\n'
                    'wrk.headers["Content-Type"] = "application/json"\n')
        return [wrk(f"http://127.0.0.1:{self.sink.port}/ceiling", self.args.seconds, 10,
                    script)["rps"] for _ in range(self.args.pairs)]

    def latency_at_half(self, max_rate, postgres=None):
        """Switchboard's send and DLR-webhook latency when paced at half `max_rate`."""
        rate = max(1, int(max_rate / 2))

        def load(s):
            send = wrk(f"http://127.0.0.1:{s.port}/api/sms/send", self.args.seconds, 10,
                       os.path.join(self.scripts, "send.lua"), rate=rate)
            return send

        r = self.run("Switchboard", lambda: Switchboard(self.work, self.sink.port, postgres),
                     load)
        return rate, r

    def memory(self, postgres=None):
        """RSS samples (one a second) of Switchboard over a sustained send run at full load."""
        seconds = self.args.memory_seconds

        def load(s):
            samples = []
            proc = subprocess.Popen(
                ["wrk", "-t1", "-c10", f"-d{seconds}s", "-s",
                 os.path.join(self.scripts, "send.lua"),
                 f"http://127.0.0.1:{s.port}/api/sms/send"],
                stdout=subprocess.DEVNULL)
            while proc.poll() is None:
                samples.append(rss_kib(s.process.pid))
                time.sleep(1)
            return samples

        samples = self.run("Switchboard",
                           lambda: Switchboard(self.work, self.sink.port, postgres), load)
        return samples


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--seconds", type=int, default=10, help="each load run")
    parser.add_argument("--pairs", type=int, default=3, help="interleaved pairs per figure")
    parser.add_argument("--receipts", type=int, default=60000,
                        help="distinct DLRs/MOs prepared per run (a run stops when used up)")
    parser.add_argument("--memory-seconds", type=int, default=60)
    parser.add_argument("--backends", default="sqlite,postgresql")
    parser.add_argument("--figures", default="send,receipts,inbound,latency,memory")
    args = parser.parse_args()
    figures = set(args.figures.split(","))

    work = tempfile.mkdtemp(prefix="switchboard-bench-")
    print(f"bench: work folder {work}; {os.cpu_count()} cores; load average {loadavg()}")
    print("bench: Kannel keeps its queues in memory and answers before anything is on disk; "
          "Switchboard commits every accepted message, webhook and status change before it "
          "answers.")
    bench = Bench(args, work)
    postgres = None
    try:
        if "receipts" in figures or "inbound" in figures:
            ceiling = bench.ceiling()
            print(f"bench: raw Poco ceiling (POST answered 200, wrk -c10): "
                  f"median {statistics.median(ceiling):.0f} req/s over {ceiling}")
        for backend in args.backends.split(","):
            if backend == "postgresql":
                postgres = Postgres(work)
            label = backend + (" (synchronous_commit on, fsync on)" if postgres else
                               " (WAL, synchronous=FULL as shipped)")
            print(f"\n== Switchboard on {label}")
            if "send" in figures:
                for connections in (10, 50):
                    accept, e2e, p50, p99 = bench.send_and_deliver(connections, postgres)
                    report(f"send acceptances/s, wrk -c{connections} {args.seconds} s", "/s",
                           accept)
                    report(f"end to end to the sink/s (drain included), -c{connections}", "/s",
                           e2e)
                    report(f"acceptance p50 latency, -c{connections}", "ms", p50, "lower")
                    report(f"acceptance p99 latency, -c{connections}", "ms", p99, "lower")
                    report(f"CPU per message end to end (gateway processes), -c{connections}",
                           "us", bench.cpu_per_message, "lower")
                    if postgres:
                        print(f"    PostgreSQL server CPU per message on top: median "
                              f"{statistics.median(bench.database_cpu_per_message):.0f} us")
            if "receipts" in figures:
                dlr = bench.receipts(postgres)
                report("delivery-receipt ingest/s (distinct receipts, applied)", "/s", dlr)
                print(f"    Switchboard/raw Poco ceiling: "
                      f"{statistics.median(s for _, s in dlr) / statistics.median(ceiling):.2f}")
            if "inbound" in figures:
                report("inbound (MO) webhook ingest/s", "/s", bench.inbound(postgres))
            if "latency" in figures:
                accept, _, _, _ = bench.send_and_deliver(10, postgres) if "send" not in figures \
                    else (accept, None, None, None)
                rate, r = bench.latency_at_half(statistics.median(s for _, s in accept), postgres)
                print(f"  Switchboard send paced at {rate}/s (half its maximum): "
                      f"p50 {r['p50']:.2f} ms, p99 {r['p99']:.2f} ms, {r['bad']} errors")
            if "memory" in figures:
                samples = bench.memory(postgres)
                rss = [s[0] for s in samples if s[0]]
                peak = max(s[1] for s in samples) if samples else 0
                if rss:
                    tenth = max(1, len(rss) // 10)
                    print(f"  Switchboard RSS over {args.memory_seconds} s of sends: "
                          f"peak {peak / 1024:.1f} MiB, first tenth "
                          f"{statistics.mean(rss[:tenth]) / 1024:.1f} MiB, last tenth "
                          f"{statistics.mean(rss[-tenth:]) / 1024:.1f} MiB")
                    means = [statistics.mean(rss[i:i + tenth]) / 1024
                             for i in range(0, tenth * 10, tenth) if rss[i:i + tenth]]
                    print("    mean RSS per tenth of the run (MiB): " +
                          " ".join(f"{m:.1f}" for m in means))
            if postgres:
                postgres.stop()
                postgres = None
    finally:
        if postgres:
            postgres.stop()
        bench.sink.stop()
        shutil.rmtree(work, ignore_errors=True)


if __name__ == "__main__":
    main()
