"""What each page shows, as frames: overview, guarantees, relocation, projects, assessment, township, village."""
