import cProfile, pstats
from webapp import create_app
app = create_app(); app.config["WTF_CSRF_ENABLED"] = False
c = app.test_client()
c.post("/auth/login", data={"email": "viewer1@marquee.local", "password": "marquee-demo"})
c.post("/profiles/2/choose")
c.get("/")
cProfile.run("for _ in range(10): c.get('/')", "/tmp/lead_prof2")
pstats.Stats("/tmp/lead_prof2").sort_stats("tottime").print_stats(20)
