"""khabar.noise"""
