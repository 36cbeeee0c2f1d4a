# A real SMTP server (Debian's aiosmtpd) for bench/statuspage/run.sh that only counts what it accepts:
# every 100 messages (and at the target) it writes "count seconds-since-start-of-first last-arrival" to a file.
import os, sys, time, warnings
warnings.simplefilter("ignore")
from aiosmtpd.controller import Controller

port, out, target = int(sys.argv[1]), sys.argv[2], int(sys.argv[3])
state = {"count": 0, "first": None, "last": None}

class Handler:
    async def handle_DATA(self, server, session, envelope):
        now = time.time()
        state["count"] += 1
        state["first"] = state["first"] or now
        state["last"] = now
        if state["count"] % 100 == 0 or state["count"] >= target:
            with open(out + ".tmp", "w") as f:
                f.write(f'{state["count"]} {state["first"]:.3f} {state["last"]:.3f}\n')
            os.replace(out + ".tmp", out)
        return "250 2.0.0 Message accepted for delivery"

controller = Controller(Handler(), hostname="127.0.0.1", port=port)
controller.start()
print("ready", flush=True)
sys.stdin.read()
controller.stop()
