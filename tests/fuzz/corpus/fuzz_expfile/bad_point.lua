return { name = "bad", grid = { policy = {"np_fcfs"} },
         fixed = { device = "profile:tests/cases/profile.csv", trace = "x.csv", parm = 3 } }
