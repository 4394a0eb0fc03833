print("placeholder until merged")
