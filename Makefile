# The two commands of the README. Each sets up what it needs on first use:
# a virtualenv in .venv with the project and its test tools installed.
PYTHON ?= python3
VENV := .venv
STAMP := $(VENV)/.installed

.PHONY: run test bench clean

run: $(STAMP)  ## start the bot: Telegram and/or WeChat as configured in .env, else a console chat
	$(VENV)/bin/python -m bot

test: $(STAMP)  ## run the whole test suite
	$(VENV)/bin/python -m pytest

bench: $(STAMP)  ## print the accuracy and speed figures
	$(VENV)/bin/python bench/faq_accuracy.py
	$(VENV)/bin/python bench/match_speed.py

$(STAMP): pyproject.toml
	test -x $(VENV)/bin/python || $(PYTHON) -m venv $(VENV)
	$(VENV)/bin/python -m pip install --quiet --upgrade pip
	$(VENV)/bin/python -m pip install --quiet -e ".[test]"
	# jieba's and pypinyin's dictionaries split into buckets once per machine (knowledge/dictionaries.py),
	# so even the first start after installing answers quickly.
	$(VENV)/bin/python -c "from knowledge.dictionaries import open_dictionaries; open_dictionaries()"
	touch $(STAMP)

clean:
	rm -rf $(VENV) .pytest_cache .hypothesis
