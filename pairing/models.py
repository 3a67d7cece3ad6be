# Match runs and proposals arrive with the pairing issue; the engine lives in pairing/engine/.
