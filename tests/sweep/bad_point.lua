return { name = "bad", grid = { policy = {"np_fcfs"} },
         fixed = { device = "profile:../cases/profile.csv", trace = "x.csv", parm = 3 } }
