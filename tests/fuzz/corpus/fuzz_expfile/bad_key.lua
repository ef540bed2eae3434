return { name = "bad", grid = { policy = {"np_fcfs"} }, fixd = {} }
