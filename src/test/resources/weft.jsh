import dev.weft.*;
import dev.weft.scope.*;
import java.time.Duration;
import java.util.concurrent.Callable;
