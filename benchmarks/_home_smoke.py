import time, statistics
from webapp import create_app
app = create_app()
app.config["WTF_CSRF_ENABLED"] = False
c = app.test_client()
r = c.post("/auth/login", data={"email": "viewer1@marquee.local", "password": "marquee-demo"})
print("login", r.status_code, r.headers.get("Location"))
r = c.get("/profiles/")
import re
ids = re.findall(r'/profiles/(\d+)/choose', r.get_data(as_text=True))
print("profiles", ids)
r = c.post(f"/profiles/{ids[0]}/choose")
print("choose", r.status_code, r.headers.get("Location"))
r = c.get("/")
print("home", r.status_code, r.headers.get("Location"), len(r.data))
html = r.get_data(as_text=True)
print(re.findall(r'class="row-title"[^>]*>([^<]+)<', html))
t = []
for _ in range(20):
    s = time.perf_counter(); c.get("/"); t.append((time.perf_counter() - s) * 1000)
print("median ms", statistics.median(t))
