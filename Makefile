# The two commands a newcomer needs. Both set up .venv first (fast when it is already up to date).
#   make app    start the app on the bundled demo data (http://localhost:8501)
#   make test   run the tests (add pytest arguments with ARGS="-k data -x")
#   make test ARGS="-m 'not slow'"   the fast subset, under 2 minutes (no training runs, browser or fuzzing)

.PHONY: app test

app:
	bash scripts/setup.sh
	.venv/bin/streamlit run app.py

test:
	bash scripts/test.sh $(ARGS)
